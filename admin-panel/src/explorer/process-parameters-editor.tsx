import { Button } from '../design';
import type { ProcessParameterRow } from './index';

/** Props of {@link ProcessParametersEditor}. */
export interface ProcessParametersEditorProps {
  readonly rows: readonly ProcessParameterRow[];
  readonly onChange: (rows: ProcessParameterRow[]) => void;
}

const EMPTY_ROW: ProcessParameterRow = { name: '', value: '', persist: false };

/**
 * The `parameters` list as a Name / Value / Persist table. A value is JSON when it reads as JSON
 * (`250`, `true`, `{"a":1}`), else text; Persist stores it with the instance.
 */
export function ProcessParametersEditor({ rows, onChange }: ProcessParametersEditorProps) {
  const shown = rows.length === 0 ? [EMPTY_ROW] : rows;
  const update = (index: number, change: Partial<ProcessParameterRow>) => onChange(shown.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <div className="wm-explorer__parameters">
      <table className="wm-table wm-explorer__parameter-table">
        <caption className="wm-visually-hidden">Process parameters</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
            <th scope="col">Persist</th>
            <th scope="col">
              <span className="wm-visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row, index) => (
            <tr key={index}>
              <td>
                <input
                  type="text"
                  className="wm-field__input wm-field__input--mono"
                  aria-label={`Name of parameter ${index + 1}`}
                  spellCheck={false}
                  value={row.name}
                  onChange={(event) => update(index, { name: event.target.value })}
                />
              </td>
              <td>
                <input
                  type="text"
                  className="wm-field__input wm-field__input--mono"
                  aria-label={`Value of parameter ${index + 1}`}
                  placeholder="JSON, or text"
                  spellCheck={false}
                  value={row.value}
                  onChange={(event) => update(index, { value: event.target.value })}
                />
              </td>
              <td className="wm-explorer__persist">
                <input type="checkbox" aria-label={`Persist parameter ${index + 1}`} checked={row.persist} onChange={(event) => update(index, { persist: event.target.checked })} />
              </td>
              <td>
                <Button size="small" variant="ghost" aria-label={`Remove parameter ${index + 1}`} onClick={() => onChange(shown.filter((_, at) => at !== index))}>
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Button size="small" onClick={() => onChange([...shown, EMPTY_ROW])}>
        Add parameter
      </Button>
    </div>
  );
}
