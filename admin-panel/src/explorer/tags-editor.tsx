import { useId, useState, type KeyboardEvent } from 'react';

/** Props of {@link TagsEditor}. */
export interface TagsEditorProps {
  readonly id: string;
  readonly values: readonly string[];
  readonly suggestions: readonly string[];
  readonly onChange: (values: string[]) => void;
  readonly 'aria-describedby'?: string | undefined;
  readonly 'aria-invalid'?: true | undefined;
  readonly 'aria-required'?: true | undefined;
}

/**
 * A list of texts as tags: type and press Enter or a comma to add one (a pasted comma-separated
 * list adds each), Backspace in the empty input removes the last, each tag has a remove button.
 */
export function TagsEditor({ id, values, suggestions, onChange, ...aria }: TagsEditorProps) {
  const [draft, setDraft] = useState('');
  const listId = useId();
  const add = (text: string) => {
    const added = text.split(',').map((item) => item.trim()).filter((item) => item !== '' && !values.includes(item));
    if (added.length > 0) onChange([...values, ...added]);
    setDraft('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === ',') {
      if (draft.trim() === '') return;
      event.preventDefault();
      add(draft);
    } else if (event.key === 'Backspace' && draft === '' && values.length > 0) {
      onChange(values.slice(0, -1));
    }
  };
  return (
    <div className="wm-explorer__tags">
      {values.length === 0 ? null : (
        <ul className="wm-explorer__tag-list" aria-label="Added">
          {values.map((value) => (
            <li key={value} className="wm-badge wm-badge--accent wm-explorer__tag">
              <span>{value}</span>
              <button type="button" className="wm-explorer__tag-remove" aria-label={`Remove ${value}`} onClick={() => onChange(values.filter((item) => item !== value))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id={id}
        type="text"
        className="wm-field__input wm-field__input--mono"
        list={suggestions.length > 0 ? listId : undefined}
        placeholder="Type, then Enter"
        value={draft}
        onChange={(event) => (event.target.value.includes(',') ? add(event.target.value) : setDraft(event.target.value))}
        onKeyDown={onKeyDown}
        onBlur={() => (draft.trim() === '' ? undefined : add(draft))}
        aria-describedby={aria['aria-describedby']}
        aria-invalid={aria['aria-invalid']}
        aria-required={aria['aria-required']}
      />
      {suggestions.length > 0 ? (
        <datalist id={listId}>
          {suggestions.map((suggestion) => (
            <option key={suggestion} value={suggestion} />
          ))}
        </datalist>
      ) : null}
    </div>
  );
}
