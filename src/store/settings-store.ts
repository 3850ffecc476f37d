/**
 * The settings seam of the store: named JSON values (access settings, signing keys, runtime
 * switches), shared by every node of a cluster.
 */
import type { JsonValue } from '../engine/types.js';

/** Where settings are kept, key → JSON. */
export interface SettingsStore {
  getSetting<T extends JsonValue>(key: string): Promise<T | null>;
  /** Stores `value` under `key`; null removes the key (a null value and a missing key read the same). */
  setSetting(key: string, value: JsonValue | null): Promise<void>;
  /** Stores `value` only when the key has none; true when it was stored (safe across nodes). */
  setSettingIfAbsent(key: string, value: JsonValue): Promise<boolean>;
}
