/**
 * The scheme seam over SQL (SQLite and PostgreSQL alike): numbered versions of each code, and
 * the schemes generated from them, in their own table so they never count as versions.
 */
import { randomUUID } from 'node:crypto';
import { WaymarkError } from '../errors/index.js';
import type { SchemeDefinition } from '../scheme/model.js';
import { rowsOf } from './direct-sql.js';
import { schemeFromRow } from './rows.js';
import type { NewGeneratedScheme, SchemeForNewInstance, SchemeStore, StoredScheme } from './scheme-store.js';
import type { SqlDialectFacts, WaymarkDb } from './sql-dialect-facts.js';
import { generatedSchemeFromRow } from './sql-generated-schemes.js';
import { deleteInstancesWithDescendants } from './sql-instance-store.js';

/** {@link SchemeStore} over a migrated kysely database. */
export class SqlSchemeStore implements SchemeStore {
  constructor(
    private readonly db: WaymarkDb,
    private readonly dialect: SqlDialectFacts,
  ) {}

  async saveScheme(definition: SchemeDefinition, sourceXml: string | null, now: Date): Promise<StoredScheme> {
    // Two nodes saving a version of one code at once both read the same last version; the
    // unique (code, version) key refuses the second, which simply numbers again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.saveSchemeVersion(definition, sourceXml, now);
      } catch (error) {
        if (attempt >= 5 || !this.dialect.isUniqueViolation(error)) throw error;
      }
    }
  }

  private async saveSchemeVersion(definition: SchemeDefinition, sourceXml: string | null, now: Date): Promise<StoredScheme> {
    return this.db.transaction().execute(async (trx) => {
      const latest = await trx
        .selectFrom('schemes')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('code', '=', definition.code)
        .executeTakeFirst();
      const row = {
        id: randomUUID(),
        code: definition.code,
        version: (latest?.version ?? 0) + 1,
        definition: JSON.stringify(definition),
        source_xml: sourceXml,
        tags: JSON.stringify(definition.tags),
        created_at: now.toISOString(),
      };
      await trx.insertInto('schemes').values(row).execute();
      return schemeFromRow(row);
    });
  }

  async getScheme(id: string): Promise<StoredScheme | null> {
    const row = await this.db.selectFrom('schemes').selectAll().where('id', '=', id).executeTakeFirst();
    if (row) return schemeFromRow(row);
    const generated = await this.db.selectFrom('generated_schemes').selectAll().where('id', '=', id).executeTakeFirst();
    return generated ? generatedSchemeFromRow(generated) : null;
  }

  async getGeneratedScheme(baseSchemeId: string, parametersKey: string): Promise<StoredScheme | null> {
    const row = await this.db
      .selectFrom('generated_schemes')
      .selectAll()
      .where('base_scheme_id', '=', baseSchemeId)
      .where('parameters_key', '=', parametersKey)
      .executeTakeFirst();
    return row ? generatedSchemeFromRow(row) : null;
  }

  async saveGeneratedScheme(input: NewGeneratedScheme): Promise<StoredScheme> {
    const row = {
      id: randomUUID(),
      base_scheme_id: input.base.id,
      parameters_key: input.parametersKey,
      code: input.base.code,
      version: input.base.version,
      definition: JSON.stringify(input.definition),
      source_xml: input.sourceXml,
      created_at: input.now.toISOString(),
    };
    try {
      await this.db.insertInto('generated_schemes').values(row).execute();
    } catch (error) {
      if (!this.dialect.isUniqueViolation(error)) throw error;
      const existing = await this.getGeneratedScheme(input.base.id, input.parametersKey);
      if (existing) return existing;
      throw error;
    }
    return generatedSchemeFromRow(row);
  }

  async getSchemeByCode(code: string, version?: number): Promise<StoredScheme | null> {
    let query = this.db.selectFrom('schemes').selectAll().where('code', '=', code);
    query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
    const row = await query.executeTakeFirst();
    return row ? schemeFromRow(row) : null;
  }

  async schemeForNewInstance(code: string, processId: string): Promise<SchemeForNewInstance | null> {
    // One statement, not two: outside a transaction every SQLite statement first takes the
    // database's read locks, which costs more than either lookup.
    const [row] = await this.dialect.direct.read(rowsOf(
      'select "id", "version", exists (select 1 from "instances" where "id" = ?) as "instance_exists" from "schemes" where "code" = ? order by "version" desc limit 1',
      [processId, code],
    ));
    if (row === undefined) return null;
    // PostgreSQL answers a boolean, SQLite 1 or 0.
    return { id: row.id as string, version: Number(row.version), instanceExists: row.instance_exists === true || row.instance_exists === 1 };
  }

  async listSchemes(): Promise<readonly StoredScheme[]> {
    const rows = await this.db
      .selectFrom('schemes')
      .selectAll('schemes')
      .innerJoin(
        (eb) => eb.selectFrom('schemes').select(['code', (inner) => inner.fn.max('version').as('latest')]).groupBy('code').as('latest'),
        (join) => join.onRef('latest.code', '=', 'schemes.code').onRef('latest.latest', '=', 'schemes.version'),
      )
      .orderBy('schemes.code')
      .execute();
    return rows.map(schemeFromRow);
  }

  async listSchemeVersions(code: string): Promise<readonly StoredScheme[]> {
    const rows = await this.db.selectFrom('schemes').selectAll().where('code', '=', code).orderBy('version').execute();
    return rows.map(schemeFromRow);
  }

  async deleteScheme(code: string, force: boolean): Promise<void> {
    const [failure] = await this.dialect.direct.writeEach([
      function* () {
        const versions = yield* rowsOf('select "id" from "schemes" where "code" = ?', [code]);
        if (versions.length === 0) {
          throw new WaymarkError('WM_SCHEME_NOT_FOUND', `Scheme '${code}' does not exist`, { schemeCode: code });
        }
        const instanceIds = (yield* rowsOf('select "id" from "instances" where "scheme_code" = ?', [code])).map((row) => row.id as string);
        if (instanceIds.length > 0 && !force) {
          throw new WaymarkError(
            'WM_SCHEME_IN_USE',
            `Scheme '${code}' is used by ${instanceIds.length} process instance(s); delete them first or force the deletion`,
            { schemeCode: code, instanceCount: instanceIds.length },
          );
        }
        yield* deleteInstancesWithDescendants(instanceIds);
        yield { text: 'delete from "generated_schemes" where "code" = ?', parameters: [code] };
        yield { text: 'delete from "schemes" where "code" = ?', parameters: [code] };
      },
    ]);
    if (failure !== undefined) throw failure;
  }

  async countInstancesOfScheme(code: string): Promise<number> {
    const row = await this.db
      .selectFrom('instances')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('scheme_code', '=', code)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}
