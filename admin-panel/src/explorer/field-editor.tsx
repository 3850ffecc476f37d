import { useId, type ReactNode } from 'react';
import { Button } from '../design';
import type { ExplorerField, FieldValue, ProcessParameterRow } from './index';
import { newId } from './new-id';
import { ProcessParametersEditor } from './process-parameters-editor';
import { TagsEditor } from './tags-editor';

/** Options loaded for a field (commands, states), or why they could not be. */
export interface LoadedOptions {
  readonly options: readonly { readonly value: string; readonly label: string }[];
  readonly error?: string;
}

/** Props of {@link FieldEditor}. */
export interface FieldEditorProps {
  readonly field: ExplorerField;
  readonly value: FieldValue;
  readonly onChange: (value: FieldValue) => void;
  /** The stored scheme codes, for a field that takes one (undefined while they load). */
  readonly schemeCodes?: readonly string[];
  /** Asks the field's load operation for options (commands, states). */
  readonly onLoad?: () => void;
  readonly loading?: boolean;
  readonly loaded?: LoadedOptions;
  /** Why the value cannot be sent. */
  readonly problem?: string;
}

/** A field's label: its name, the type, and whether it is required. */
function FieldLabel({ field }: { readonly field: ExplorerField }) {
  return (
    <>
      <span className="wm-explorer__field-name">{field.name}</span>{' '}
      <span className="wm-explorer__field-type">
        {field.typeLabel}
        {field.required ? ', required' : ''}
      </span>
    </>
  );
}

/** The editor of one field, chosen by its kind and editor hints. */
export function FieldEditor({ field, value, onChange, schemeCodes, onLoad, loading = false, loaded, problem }: FieldEditorProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  const describedBy = [field.description === '' ? undefined : hintId, problem === undefined ? undefined : problemId].filter(Boolean).join(' ') || undefined;
  const text = typeof value === 'string' ? value : '';
  // aria-required, not required: the browser would refuse to send, and the explorer lets the server say what is missing.
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': problem === undefined ? undefined : true, 'aria-required': field.required || undefined } as const;
  const setText = (next: string) => onChange(next === '' ? undefined : next);

  let control: ReactNode;
  let actions: ReactNode = null;
  switch (field.kind) {
    case 'boolean':
      control = (
        <select {...common} className="wm-field__input" value={value === true ? 'true' : value === false ? 'false' : ''} onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value === 'true')}>
          <option value="">(not sent)</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      );
      break;
    case 'choice':
      control = (
        <select {...common} className="wm-field__input" value={text} onChange={(event) => setText(event.target.value)}>
          <option value="">(not sent)</option>
          {field.choices.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      );
      break;
    case 'date-time':
      control = <input {...common} type="datetime-local" step={1} className="wm-field__input" value={localDateTime(text)} onChange={(event) => setText(isoDateTime(event.target.value))} />;
      break;
    case 'integer':
    case 'number':
      control = <input {...common} type="text" inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'} className="wm-field__input wm-field__input--mono" value={text} onChange={(event) => setText(event.target.value)} />;
      break;
    case 'json':
    case 'any':
      control = (
        <textarea
          {...common}
          className="wm-field__input wm-field__input--mono wm-explorer__textarea"
          rows={field.kind === 'json' ? 4 : 2}
          spellCheck={false}
          placeholder={field.kind === 'json' ? 'JSON' : 'JSON, or text'}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      );
      break;
    case 'tags':
      control = <TagsEditor {...common} values={Array.isArray(value) ? (value as readonly string[]) : []} suggestions={field.choices} onChange={(tags) => onChange(tags.length === 0 ? undefined : tags)} />;
      break;
    case 'process-parameters':
      return (
        <fieldset className="wm-explorer__fieldset" aria-describedby={describedBy}>
          <legend className="wm-field__label">
            <FieldLabel field={field} />
          </legend>
          <ProcessParametersEditor rows={Array.isArray(value) ? (value as readonly ProcessParameterRow[]) : []} onChange={(rows) => onChange(rows.length === 0 ? undefined : rows)} />
          <FieldNotes field={field} hintId={hintId} problemId={problemId} problem={problem} />
        </fieldset>
      );
    default:
      if (field.storedSchemes && schemeCodes !== undefined && schemeCodes.length > 0) {
        const codes = text === '' || schemeCodes.includes(text) ? schemeCodes : [text, ...schemeCodes];
        control = (
          <select {...common} className="wm-field__input" value={text} onChange={(event) => setText(event.target.value)}>
            <option value="">(choose a scheme)</option>
            {codes.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        );
      } else {
        control = <input {...common} type="text" className="wm-field__input wm-field__input--mono" spellCheck={false} value={text} onChange={(event) => setText(event.target.value)} />;
      }
      if (field.generate) {
        actions = (
          <Button size="small" aria-label={`Generate a new ${field.name}`} onClick={() => onChange(newId())}>
            Generate
          </Button>
        );
      }
      if (field.load !== undefined && onLoad !== undefined) {
        actions = (
          <Button size="small" busy={loading} aria-label={`Load ${field.name} options from ${field.load.operation}`} onClick={onLoad}>
            Load
          </Button>
        );
      }
  }

  return (
    <div className="wm-field wm-explorer__field">
      <label className="wm-field__label" htmlFor={id}>
        <FieldLabel field={field} />
      </label>
      <div className="wm-explorer__control">
        {control}
        {actions}
      </div>
      {loaded === undefined ? null : <LoadedChoices field={field} loaded={loaded} value={text} onChoose={setText} />}
      <FieldNotes field={field} hintId={hintId} problemId={problemId} problem={problem} />
    </div>
  );
}

function FieldNotes({ field, hintId, problemId, problem }: { readonly field: ExplorerField; readonly hintId: string; readonly problemId: string; readonly problem: string | undefined }) {
  return (
    <>
      {field.description === '' ? null : (
        <div id={hintId} className="wm-field__hint">
          {field.description}
        </div>
      )}
      {problem === undefined ? null : (
        <div id={problemId} className="wm-field__error">
          {problem}
        </div>
      )}
    </>
  );
}

/** The options a Load found, as a list to pick from (or why there are none). */
function LoadedChoices({ field, loaded, value, onChoose }: { readonly field: ExplorerField; readonly loaded: LoadedOptions; readonly value: string; readonly onChoose: (value: string) => void }) {
  const id = useId();
  if (loaded.error !== undefined) return <div className="wm-field__error" role="alert">{loaded.error}</div>;
  if (loaded.options.length === 0) return <div className="wm-field__hint" role="status">{`${field.load?.operation ?? 'The operation'} found none.`}</div>;
  return (
    <div className="wm-explorer__loaded" role="status">
      <label htmlFor={id} className="wm-field__hint">
        {`${loaded.options.length} found by ${field.load?.operation ?? 'Load'}:`}
      </label>
      <select id={id} className="wm-field__input" value={loaded.options.some((option) => option.value === value) ? value : ''} onChange={(event) => onChoose(event.target.value)}>
        <option value="">(choose)</option>
        {loaded.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label === option.value ? option.value : `${option.value} — ${option.label}`}
          </option>
        ))}
      </select>
    </div>
  );
}

/** An ISO 8601 date-time as a `datetime-local` value, in the browser's time zone. */
function localDateTime(iso: string): string {
  if (iso === '') return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}

/** A `datetime-local` value as ISO 8601 in UTC (what the server takes). */
function isoDateTime(local: string): string {
  if (local === '') return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}
