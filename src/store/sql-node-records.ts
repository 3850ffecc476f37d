/**
 * The registry of Waymark nodes sharing one database (table `nodes`), over kysely, and the
 * migration that creates it. Each node writes its own row and refreshes `heartbeat_at`; a node
 * whose heartbeat is older than the node timeout is marked `lost` by whichever node sees it first.
 */
import type { Kysely, Migration } from 'kysely';
import type { NodeRecord, NodeRecords, NodeRuntimeState } from './node-records.js';

export type { NodeRecord, NodeRecords, NodeRuntimeState } from './node-records.js';

/** The `nodes` table as kysely sees it. */
export interface NodeTables {
  nodes: {
    id: string;
    host: string;
    pid: number;
    started_at: string;
    heartbeat_at: string;
    runtime_state: string;
  };
}

/** Migration `0004-cluster-nodes`: the `nodes` table. */
export function clusterSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('nodes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('heartbeat_at', 'text', (c) => c.notNull())
        .addColumn('runtime_state', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('nodes_heartbeat_at_index').on('nodes').column('heartbeat_at').execute();
    },
  };
}

function nodeFromRow(row: NodeTables['nodes']): NodeRecord {
  return {
    id: row.id,
    host: row.host,
    pid: row.pid,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    runtimeState: row.runtime_state as NodeRuntimeState,
  };
}

/** The node registry over kysely (SQLite or PostgreSQL). */
export class SqlNodeRecords implements NodeRecords {
  constructor(private readonly db: Kysely<NodeTables>) {}

  /** Adds (or replaces) this node's row. */
  async register(node: NodeRecord): Promise<void> {
    const row = {
      id: node.id,
      host: node.host,
      pid: node.pid,
      started_at: node.startedAt,
      heartbeat_at: node.heartbeatAt,
      runtime_state: node.runtimeState,
    };
    await this.db
      .insertInto('nodes')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: row.heartbeat_at, runtime_state: row.runtime_state }))
      .execute();
  }

  /** Refreshes this node's heartbeat and state; false when its row is gone (removed by an operator). */
  async heartbeat(id: string, at: Date, runtimeState: NodeRuntimeState): Promise<boolean> {
    const result = await this.db
      .updateTable('nodes')
      .set({ heartbeat_at: at.toISOString(), runtime_state: runtimeState })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Marks `lost` every other node not yet lost or stopped whose heartbeat is older than
   * `cutoff`, and returns them. One UPDATE, so two nodes never both report the same loss.
   */
  async markLost(exceptId: string, cutoff: Date): Promise<readonly NodeRecord[]> {
    const rows = await this.db
      .updateTable('nodes')
      .set({ runtime_state: 'lost' })
      .where('id', '!=', exceptId)
      .where('heartbeat_at', '<', cutoff.toISOString())
      .where('runtime_state', 'not in', ['lost', 'stopped'])
      .returningAll()
      .execute();
    return rows.map(nodeFromRow);
  }

  /** Records a clean stop (the row stays, as a record of the node). */
  async markStopped(id: string, at: Date): Promise<void> {
    await this.db.updateTable('nodes').set({ runtime_state: 'stopped', heartbeat_at: at.toISOString() }).where('id', '=', id).execute();
  }

  /** Every registered node, oldest first. */
  async list(): Promise<readonly NodeRecord[]> {
    const rows = await this.db.selectFrom('nodes').selectAll().orderBy('started_at').orderBy('id').execute();
    return rows.map(nodeFromRow);
  }

  /** Deletes rows of nodes stopped or lost before `before` (housekeeping). */
  async forgetOlderThan(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('nodes')
      .where('runtime_state', 'in', ['lost', 'stopped'])
      .where('heartbeat_at', '<', before.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
