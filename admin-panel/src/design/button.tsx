import type { ButtonHTMLAttributes, ReactNode } from 'react';

/** Props of {@link Button}. */
export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  readonly variant?: 'primary' | 'secondary' | 'danger' | 'ghost';
  readonly size?: 'normal' | 'small';
  /** Shows a spinner and disables the button while an action runs. */
  readonly busy?: boolean;
  readonly children: ReactNode;
}

/** A button; `type` defaults to "button" so it never submits a form by accident. */
export function Button({ variant = 'secondary', size = 'normal', busy = false, className, children, disabled, type = 'button', ...rest }: ButtonProps) {
  const classes = ['wm-button', `wm-button--${variant}`, size === 'small' ? 'wm-button--small' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <button {...rest} type={type} className={classes} disabled={disabled === true || busy} aria-busy={busy || undefined}>
      {busy ? <span className="wm-spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}
