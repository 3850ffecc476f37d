/**
 * The `Id` of a document-history entry as the vendor types it: a GUID. Waymark numbers its history
 * rows; typed .NET clients bind `History[].Id` as `Guid`, so the dialect derives a GUID from what
 * identifies a row for good, the way RFC 9562 makes a name-based (version 5) UUID.
 */
import { createHash } from 'node:crypto';
import type { StoredTransition } from '../../store/store.js';

// A namespace of Waymark's own (a random UUID, fixed forever): ids derived under it never meet
// name-based UUIDs that other software derives from the same names.
const HISTORY_NAMESPACE = Buffer.from('5f0c2a7e9b1d4e6f8a3c0d2e4f6a8b1c', 'hex');

/**
 * A GUID that is the same on every read of the entry and differs between entries: derived from its
 * process id, its row number and its time (a process deleted and made again under the same id, whose
 * rows may get the same numbers again, has other times).
 */
export function historyEntryGuid(entry: Pick<StoredTransition, 'processId' | 'id' | 'transitionTime'>): string {
  const hash = createHash('sha1').update(HISTORY_NAMESPACE).update(`${entry.processId}/${entry.id}/${entry.transitionTime}`).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
