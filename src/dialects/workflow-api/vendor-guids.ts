/**
 * GUIDs where the vendor's model has them and Waymark numbers: a history entry's `Id` and a user's
 * `Lock` stamp. Typed .NET clients bind these fields as `Guid`, so the dialect derives a GUID
 * from what the number stands for, the way RFC 9562 makes a name-based (version 5) UUID: the same
 * on every read, different for different names.
 */
import { createHash } from 'node:crypto';
import type { StoredTransition } from '../../store/store.js';

// Namespaces of Waymark's own (random UUIDs, fixed forever), one per kind of id: ids derived under
// them never meet name-based UUIDs that other software derives from the same names.
const HISTORY_NAMESPACE = Buffer.from('5f0c2a7e9b1d4e6f8a3c0d2e4f6a8b1c', 'hex');
const USER_LOCK_NAMESPACE = Buffer.from('c3e1a9d47b2f4c08964e1f5a7d3b2c6e', 'hex');

function nameBasedGuid(namespace: Buffer, name: string): string {
  const bytes = createHash('sha1').update(namespace).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A history entry's GUID: derived from its process id, its row number and its time (a process
 * deleted and made again under the same id, whose rows may get the same numbers again, has other
 * times).
 */
export function historyEntryGuid(entry: Pick<StoredTransition, 'processId' | 'id' | 'transitionTime'>): string {
  return nameBasedGuid(HISTORY_NAMESPACE, `${entry.processId}/${entry.id}/${entry.transitionTime}`);
}

/** A user's `Lock` as a GUID: derived from the user's id and the stored stamp, so it changes with every update. */
export function userLockGuid(userId: string, lock: number): string {
  return nameBasedGuid(USER_LOCK_NAMESPACE, `${userId.toLowerCase()}/${lock}`);
}
