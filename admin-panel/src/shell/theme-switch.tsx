import { useId, useState } from 'react';
import { applyTheme, storedTheme, type ThemeChoice } from '../design';

/** Chooses the colour theme: System (follows the OS), Light or Dark; the choice is remembered. */
export function ThemeSwitch() {
  const id = useId();
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  return (
    <div className="wm-theme-switch">
      <label htmlFor={id}>Theme</label>
      <select
        id={id}
        className="wm-select"
        value={choice}
        onChange={(event) => {
          const next = event.target.value as ThemeChoice;
          setChoice(next);
          applyTheme(next);
        }}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </div>
  );
}
