/**
 * An operation's form in the explorer's URL: `/admin/explorer/{key}?processId=…&command=…`, so a
 * link opens the form pre-filled (other pages link "Execute a command" this way). Each field is
 * one query value, as text: lists comma-separated, the parameters table as JSON. Secrets (the
 * token fields) are never put in a link.
 */
import type { ExplorerOperation } from './operation-catalog.js';
import type { FieldValue, FormValues, ProcessParameterRow } from './request-builder.js';

/** The form values a link's query gives (unknown names are ignored, unreadable values skipped). */
export function valuesFromSearch(operation: ExplorerOperation, search: Readonly<Record<string, string>>): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  const byLowerName = new Map(Object.entries(search).map(([name, value]) => [name.toLowerCase(), value]));
  for (const field of operation.fields) {
    const text = search[field.name] ?? byLowerName.get(field.name.toLowerCase());
    if (text === undefined) continue;
    switch (field.kind) {
      case 'boolean':
        if (text === 'true' || text === 'false') values[field.name] = text === 'true';
        break;
      case 'tags':
        values[field.name] = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
        break;
      case 'process-parameters': {
        const rows = parameterRows(text);
        if (rows !== undefined) values[field.name] = rows;
        break;
      }
      default:
        values[field.name] = text;
    }
  }
  return values;
}

/** The query that reopens the form with these values (empty values left out). */
export function searchFromValues(operation: ExplorerOperation, values: FormValues): Record<string, string> {
  const search: Record<string, string> = {};
  for (const field of operation.fields) {
    const value = values[field.name];
    if (value === undefined || value === '') continue;
    if (typeof value === 'boolean') search[field.name] = String(value);
    else if (typeof value === 'string') search[field.name] = value;
    else if (field.kind === 'process-parameters') {
      const rows = (value as readonly ProcessParameterRow[]).filter((row) => row.name !== '' || row.value !== '');
      if (rows.length > 0) search[field.name] = JSON.stringify(rows.map(({ name, value: text, persist }) => ({ name, value: text, persist })));
    } else if ((value as readonly string[]).length > 0) search[field.name] = (value as readonly string[]).join(',');
  }
  return search;
}

function parameterRows(text: string): ProcessParameterRow[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  return parsed
    .filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null && typeof (row as { name?: unknown }).name === 'string')
    .map((row) => ({
      name: row.name as string,
      value: typeof row.value === 'string' ? row.value : row.value === undefined || row.value === null ? '' : JSON.stringify(row.value),
      persist: row.persist === true,
    }));
}
