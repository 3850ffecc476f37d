import { useId, type ReactNode } from 'react';

/** Props of {@link Switch}. */
export interface SwitchProps {
  readonly label: ReactNode;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly disabled?: boolean;
  /** Help text, read out with the switch. */
  readonly description?: ReactNode;
}

/** An on/off switch (`role="switch"`), toggled by click, Space or Enter. */
export function Switch({ label, checked, onChange, disabled = false, description }: SwitchProps) {
  const id = useId();
  const descriptionId = description === undefined ? undefined : `${id}-description`;
  return (
    <div className="wm-field">
      <button
        type="button"
        role="switch"
        className="wm-switch"
        aria-checked={checked}
        aria-describedby={descriptionId}
        disabled={disabled}
        onClick={() => onChange(!checked)}
      >
        <span className="wm-switch__track" aria-hidden="true">
          <span className="wm-switch__thumb" />
        </span>
        <span className="wm-switch__label">{label}</span>
      </button>
      {descriptionId === undefined ? null : (
        <div id={descriptionId} className="wm-field__hint">
          {description}
        </div>
      )}
    </div>
  );
}
