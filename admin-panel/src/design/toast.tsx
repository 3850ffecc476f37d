import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

/** How a toast looks: a result that worked, one that failed, or plain news. */
export type ToastKind = 'success' | 'error' | 'info';

interface ToastItem {
  readonly id: number;
  readonly kind: ToastKind;
  readonly message: string;
}

/** Shows a toast; errors stay until closed, others go after a few seconds. */
export type ShowToast = (kind: ToastKind, message: string) => void;

const ToastContext = createContext<ShowToast | null>(null);
const VISIBLE_MS = 5000;

/**
 * Holds the toasts of the app and shows them in a live region, so screen readers announce them.
 * Success and info toasts close by themselves; error toasts stay until the user closes them.
 */
export function ToastProvider({ children }: { readonly children: ReactNode }) {
  const [toasts, setToasts] = useState<readonly ToastItem[]>([]);
  const nextId = useRef(1);
  const close = useCallback((id: number) => setToasts((current) => current.filter((toast) => toast.id !== id)), []);
  const show = useCallback<ShowToast>(
    (kind, message) => {
      const id = nextId.current++;
      // At most four: a burst of results must not cover the page.
      setToasts((current) => [...current.slice(-3), { id, kind, message }]);
      if (kind !== 'error') setTimeout(() => close(id), VISIBLE_MS);
    },
    [close],
  );
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <ol className="wm-toasts" aria-live="polite" aria-label="Notifications">
        {toasts.map((toast) => (
          <li key={toast.id} className={`wm-toast wm-toast--${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
            <span className="wm-toast__message">{toast.message}</span>
            <button type="button" className="wm-toast__close" aria-label="Close notification" onClick={() => close(toast.id)}>
              ×
            </button>
          </li>
        ))}
      </ol>
    </ToastContext.Provider>
  );
}

/** The toast function of the surrounding {@link ToastProvider}. */
export function useToast(): ShowToast {
  const show = useContext(ToastContext);
  if (show === null) throw new Error('useToast needs a ToastProvider around it');
  return show;
}
