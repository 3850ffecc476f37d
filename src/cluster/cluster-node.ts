/**
 * This server as one node of a cluster sharing a PostgreSQL database: it registers itself in
 * `nodes`, heartbeats every third of the node timeout, and on each beat marks as `lost` the nodes
 * that stopped beating, so the others take over their work. Claimed timers and outgoing messages
 * are leased for at most the node timeout, so a lost node's claims have lapsed by the time it is
 * declared lost, and the `onNodesLost` hook wakes this node's runtime to pick them up at once.
 *
 * With SQLite the node is alone: it has an id and a state, and nothing is registered.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Kysely, PostgresDialect } from 'kysely';
import { WaymarkError } from '../errors/index.js';
import type { Clock } from '../services/clock.js';
import { loadPg } from '../store/pg-driver.js';
import { SqlNodeRecords, type NodeRecord, type NodeRuntimeState, type NodeTables } from '../store/sql-node-records.js';
import { PostgresChangeNotifier, singleNodeNotifier, type ChangeNotifier } from './change-notifier.js';

/** Default of `WAYMARK_NODE_TIMEOUT_MS`: a node silent this long is taken over. */
export const DEFAULT_NODE_TIMEOUT_MS = 30_000;
/** Lost and stopped nodes are forgotten after this long. */
const FORGET_AFTER_MS = 7 * 24 * 3600_000;

/**
 * Reads `WAYMARK_NODE_TIMEOUT_MS` (default 30 000).
 * @throws WaymarkError WM_CONFIG_INVALID for anything but a whole number of at least 300 ms.
 */
export function nodeTimeoutFromEnvironment(env: NodeJS.ProcessEnv): number {
  const text = env.WAYMARK_NODE_TIMEOUT_MS?.trim();
  if (!text) return DEFAULT_NODE_TIMEOUT_MS;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 300) {
    throw new WaymarkError('WM_CONFIG_INVALID', `WAYMARK_NODE_TIMEOUT_MS must be a whole number of milliseconds, at least 300 (got '${text}')`, {
      setting: 'WAYMARK_NODE_TIMEOUT_MS',
      value: text,
    });
  }
  return value;
}

/** What a node needs. */
export interface ClusterNodeOptions {
  /** The PostgreSQL URL the store uses; null for a single SQLite node. */
  readonly databaseUrl: string | null;
  readonly clock: Clock;
  /** Silence after which a node is lost. Default {@link DEFAULT_NODE_TIMEOUT_MS}. */
  readonly nodeTimeoutMs?: number;
  /** This node's runtime state, read at every heartbeat. */
  readonly runtimeState: () => Exclude<NodeRuntimeState, 'lost'>;
  /** Called with the nodes this node has just declared lost (wake the runtime here). */
  readonly onNodesLost?: (nodes: readonly NodeRecord[]) => void;
  /** Told about failed heartbeats and notifications (the node keeps trying). */
  readonly onError?: (error: unknown, what: string) => void;
  /** Default: a random UUID. */
  readonly nodeId?: string;
}

/** One running node. */
export class ClusterNode {
  readonly id: string;
  readonly nodeTimeoutMs: number;
  readonly notifier: ChangeNotifier;
  private readonly records: SqlNodeRecords | null;
  private readonly db: Kysely<NodeTables> | null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;

  private constructor(
    private readonly options: ClusterNodeOptions,
    id: string,
    notifier: ChangeNotifier,
    db: Kysely<NodeTables> | null,
  ) {
    this.id = id;
    this.nodeTimeoutMs = options.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS;
    this.notifier = notifier;
    this.db = db;
    this.records = db === null ? null : new SqlNodeRecords(db);
  }

  /** Registers the node and starts its heartbeat (the store must already be migrated). */
  static async start(options: ClusterNodeOptions): Promise<ClusterNode> {
    const id = options.nodeId ?? randomUUID();
    if (options.databaseUrl === null) {
      return new ClusterNode(options, id, singleNodeNotifier(), null);
    }
    const pg = await loadPg();
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
    pool.on('error', (error) => options.onError?.(error, 'node registry connection'));
    const db = new Kysely<NodeTables>({ dialect: new PostgresDialect({ pool }) });
    let notifier: ChangeNotifier;
    try {
      notifier = await PostgresChangeNotifier.start({
        databaseUrl: options.databaseUrl,
        nodeId: id,
        onError: (error) => options.onError?.(error, 'change notifications'),
      });
    } catch (error) {
      await db.destroy();
      throw error;
    }
    const node = new ClusterNode(options, id, notifier, db);
    const now = options.clock.now().toISOString();
    try {
      await node.records!.register({ id, host: hostname(), pid: process.pid, startedAt: now, heartbeatAt: now, runtimeState: options.runtimeState() });
    } catch (error) {
      await node.stop();
      throw error;
    }
    node.scheduleHeartbeats();
    return node;
  }

  /** Every registered node (empty on SQLite). */
  async listNodes(): Promise<readonly NodeRecord[]> {
    return this.records === null ? [] : this.records.list();
  }

  /**
   * Refreshes this node's heartbeat and declares lost the nodes silent longer than the timeout.
   * Runs on its own schedule; tests call it to beat at once.
   */
  heartbeat(): Promise<void> {
    this.beating ??= this.beat().finally(() => {
      this.beating = null;
    });
    return this.beating;
  }

  /** Stops heartbeating and records a clean stop, so no one waits for this node to time out. */
  async stop(): Promise<void> {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    await this.beating;
    try {
      await this.records?.markStopped(this.id, this.options.clock.now());
    } catch (error) {
      this.options.onError?.(error, 'node stop');
    }
    await this.notifier.close();
    await this.db?.destroy();
  }

  private scheduleHeartbeats(): void {
    const every = Math.max(100, Math.floor(this.nodeTimeoutMs / 3));
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), every);
    this.heartbeatTimer.unref();
  }

  private async beat(): Promise<void> {
    if (this.records === null) return;
    const now = this.options.clock.now();
    try {
      const known = await this.records.heartbeat(this.id, now, this.options.runtimeState());
      if (!known) {
        // An operator removed the row (or another node forgot us after a long pause): register again.
        await this.records.register({ id: this.id, host: hostname(), pid: process.pid, startedAt: now.toISOString(), heartbeatAt: now.toISOString(), runtimeState: this.options.runtimeState() });
      }
      const lost = await this.records.markLost(this.id, new Date(now.getTime() - this.nodeTimeoutMs));
      if (lost.length > 0) this.options.onNodesLost?.(lost);
      await this.records.forgetOlderThan(new Date(now.getTime() - FORGET_AFTER_MS));
    } catch (error) {
      this.options.onError?.(error, 'node heartbeat');
    }
  }
}
