/**
 * Named forms over SQL, keyed by scheme code, name and state (a null state is a key of its own).
 */
import type { SelectQueryBuilder } from 'kysely';
import type { FormRecord, FormStore } from './form-store.js';
import type { WaymarkDb } from './sql-dialect-facts.js';
import type { WaymarkDatabase } from './tables.js';

/** {@link FormStore} over a migrated kysely database. */
export class SqlFormStore implements FormStore {
  constructor(private readonly db: WaymarkDb) {}

  async saveForm(form: FormRecord): Promise<FormRecord> {
    // The unique key does not hold for a NULL state (NULLs are distinct), so replace explicitly.
    await this.db.transaction().execute(async (trx) => {
      await formKey(trx.deleteFrom('forms'), form.schemeCode, form.name, form.state).execute();
      await trx.insertInto('forms').values({ scheme_code: form.schemeCode, name: form.name, state: form.state, source: form.source }).execute();
    });
    return form;
  }

  async getForm(schemeCode: string, name: string, state: string | null): Promise<FormRecord | null> {
    const row = await formKey(this.db.selectFrom('forms').selectAll(), schemeCode, name, state).executeTakeFirst();
    return row ? { schemeCode: row.scheme_code, name: row.name, state: row.state, source: row.source } : null;
  }

  async listForms(filter: { schemeCode?: string; name?: string }): Promise<readonly FormRecord[]> {
    let select = this.db.selectFrom('forms').selectAll();
    if (filter.schemeCode !== undefined) select = select.where('scheme_code', '=', filter.schemeCode);
    if (filter.name !== undefined) select = select.where('name', '=', filter.name);
    const rows = await select.orderBy('scheme_code').orderBy('name').orderBy('state', (ob) => ob.asc().nullsFirst()).execute();
    return rows.map((row) => ({ schemeCode: row.scheme_code, name: row.name, state: row.state, source: row.source }));
  }

  async deleteForm(schemeCode: string, name: string, state: string | null): Promise<boolean> {
    const result = await formKey(this.db.deleteFrom('forms'), schemeCode, name, state).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

/** Narrows a forms query to one (scheme, name, state) key, where a null state matches only null. */
function formKey<Q extends { where: (...args: never[]) => Q }>(query: Q, schemeCode: string, name: string, state: string | null): Q {
  const q = query as unknown as SelectQueryBuilder<WaymarkDatabase, 'forms', object>;
  const keyed = q
    .where('scheme_code', '=', schemeCode)
    .where('name', '=', name)
    .where((eb) => (state === null ? eb('state', 'is', null) : eb('state', '=', state)));
  return keyed as unknown as Q;
}
