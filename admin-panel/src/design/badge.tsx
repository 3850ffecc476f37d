import type { ReactNode } from 'react';

/** A small status pill. */
export function Badge({ tone = 'neutral', children }: { readonly tone?: 'neutral' | 'success' | 'danger' | 'warning' | 'accent'; readonly children: ReactNode }) {
  return <span className={tone === 'neutral' ? 'wm-badge' : `wm-badge wm-badge--${tone}`}>{children}</span>;
}

/** An inline message: an error (announced at once) or information. */
export function Alert({ tone = 'info', children }: { readonly tone?: 'info' | 'error'; readonly children: ReactNode }) {
  return (
    <div className={`wm-alert wm-alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
