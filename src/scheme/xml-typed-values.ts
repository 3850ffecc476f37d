/**
 * How the vendor's XML writes a typed value (a parameter's InitialValue, a command input's
 * DefaultValue): shared by the import, which reads it, and the export, which writes it.
 */
import { celTypeOf } from './expressions.js';

const TEXT_TYPES = new Set(['string', 'char', 'datetime', 'datetimeoffset', 'timespan', 'guid', 'dateonly', 'timeonly']);

/** True when a value of this declared type is kept as the text written in XML. */
export function isTextType(type: string): boolean {
  return TEXT_TYPES.has(type.trim().replace(/^System\./i, '').replace(/\?$/, '').toLowerCase());
}

/** Writes a typed value as the vendor writes it (the XML text `parseTypedValue` reads, and the vendor's JSON model). */
export function formatTypedValue(value: unknown, type: string): string {
  if (isTextType(type) && typeof value === 'string') return value;
  const celType = celTypeOf(type);
  if ((celType === 'int' || celType === 'double') && typeof value === 'number') return String(value);
  if (celType === 'bool' && typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}
