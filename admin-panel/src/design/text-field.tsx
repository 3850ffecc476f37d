import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

/** Props of {@link TextField}. */
export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  /** The visible label (every field has one). */
  readonly label: ReactNode;
  /** Help text under the field. */
  readonly hint?: ReactNode;
  /** An error under the field; marks it invalid. */
  readonly error?: ReactNode;
  /** Monospaced text (tokens, ids, URLs). */
  readonly mono?: boolean;
  readonly id?: string;
}

/** A labelled text input with optional hint and error, wired with aria-describedby. */
export function TextField({ label, hint, error, mono = false, id, className, ...rest }: TextFieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const hintId = hint === undefined ? undefined : `${inputId}-hint`;
  const errorId = error === undefined || error === null || error === false ? undefined : `${inputId}-error`;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['wm-field', className ?? ''].filter(Boolean).join(' ')}>
      <label className="wm-field__label" htmlFor={inputId}>
        {label}
      </label>
      <input
        {...rest}
        id={inputId}
        className={mono ? 'wm-field__input wm-field__input--mono' : 'wm-field__input'}
        aria-invalid={errorId === undefined ? undefined : true}
        aria-describedby={describedBy}
      />
      {hintId === undefined ? null : (
        <div id={hintId} className="wm-field__hint">
          {hint}
        </div>
      )}
      {errorId === undefined ? null : (
        <div id={errorId} className="wm-field__error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
