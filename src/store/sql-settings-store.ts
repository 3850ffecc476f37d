/**
 * Settings over SQL, one row per key with its JSON value.
 */
import type { JsonValue } from '../engine/types.js';
import { rowsOf } from './direct-sql.js';
import type { SettingsStore } from './settings-store.js';
import type { SqlDialectFacts, WaymarkDb } from './sql-dialect-facts.js';

/** {@link SettingsStore} over a migrated kysely database; reads through direct SQL. */
export class SqlSettingsStore implements SettingsStore {
  constructor(
    private readonly db: WaymarkDb,
    private readonly dialect: SqlDialectFacts,
  ) {}

  async getSetting<T extends JsonValue>(key: string): Promise<T | null> {
    // Direct: access checks read the API token setting on every request.
    const [row] = await this.dialect.direct.read(rowsOf('select "value" from "settings" where "key" = ?', [key]));
    return row ? (JSON.parse(row.value as string) as T) : null;
  }

  async setSetting(key: string, value: JsonValue | null): Promise<void> {
    // A null value and a missing key read the same, so null simply removes the row.
    if (value === null) {
      await this.db.deleteFrom('settings').where('key', '=', key).execute();
      return;
    }
    const json = JSON.stringify(value);
    await this.db
      .insertInto('settings')
      .values({ key, value: json })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json }))
      .execute();
  }

  async setSettingIfAbsent(key: string, value: JsonValue): Promise<boolean> {
    const result = await this.db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value) })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}
