/**
 * Schemes a callback server generated (the Callback API's `generate`): kept apart from the
 * versions of a code, so a generated scheme is never the latest version of its code nor listed
 * with the imported ones. One per (scheme version it was generated from, scheme parameters): an
 * instance created again with the same parameters uses it without asking the callback server.
 */
import type { Kysely, Migration } from 'kysely';
import type { StoredScheme } from './store.js';

/** One generated scheme. */
export interface GeneratedSchemesTable {
  /** The id instances refer to (as a scheme version's id). */
  id: string;
  /** The scheme version it was generated from. */
  base_scheme_id: string;
  /** A digest of the scheme parameters it was generated with. */
  parameters_key: string;
  /** The base scheme's code and version. */
  code: string;
  version: number;
  /** SchemeDefinition as JSON. */
  definition: string;
  /** The XML the callback server answered, when it answered XML. */
  source_xml: string | null;
  created_at: string;
}

/** The table as the store's kysely database holds it. */
export interface GeneratedSchemeTables {
  generated_schemes: GeneratedSchemesTable;
}

/** The migration that adds the table. */
export function generatedSchemesSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('generated_schemes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('base_scheme_id', 'text', (c) => c.notNull())
        .addColumn('parameters_key', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('source_xml', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('generated_schemes_base_parameters_unique', ['base_scheme_id', 'parameters_key'])
        .execute();
      await db.schema.createIndex('generated_schemes_code_index').on('generated_schemes').column('code').execute();
    },
  };
}

/** A stored generated scheme as the rest of Waymark sees a scheme version. */
export function generatedSchemeFromRow(row: GeneratedSchemesTable): StoredScheme {
  const definition = JSON.parse(row.definition) as StoredScheme['definition'];
  return {
    id: row.id,
    code: row.code,
    version: row.version,
    definition,
    sourceXml: row.source_xml,
    tags: definition.tags,
    createdAt: row.created_at,
  };
}
