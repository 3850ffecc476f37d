/**
 * Change notifications between nodes: when one node changes settings, signing keys, users or
 * schemes, every other node hears of it at once and drops what it cached. On PostgreSQL this is
 * LISTEN/NOTIFY on the `waymark_changes` channel; a single SQLite node has no one to tell.
 */
import type pg from 'pg';
import { loadPg, type PgModule } from '../store/pg-driver.js';

/** The channel every node listens on. */
export const CHANGES_CHANNEL = 'waymark_changes';

/** What changed. `resync` means notifications may have been missed (reconnect): drop everything. */
export type ChangeKind = 'settings' | 'users' | 'schemes' | 'resync';

/** One change, as heard by the other nodes. */
export interface Change {
  readonly kind: ChangeKind;
  /** The node that made it. */
  readonly nodeId: string;
  /** The setting key, user id or scheme code, when one thing changed. */
  readonly key?: string;
}

/** Publishes this node's changes and tells listeners about the other nodes' changes. */
export interface ChangeNotifier {
  /** Tells the other nodes; never throws (a lost notification is logged through `onError`). */
  publish(kind: Exclude<ChangeKind, 'resync'>, key?: string): Promise<void>;
  /** Calls `listener` for each change another node made; returns the unsubscribe function. */
  onChange(listener: (change: Change) => void): () => void;
  close(): Promise<void>;
}

/** The notifier of a node alone on its database (SQLite): nothing to send, nothing to hear. */
export function singleNodeNotifier(): ChangeNotifier {
  return {
    publish: async () => undefined,
    onChange: () => () => undefined,
    close: async () => undefined,
  };
}

/** Options of {@link PostgresChangeNotifier}. */
export interface PostgresChangeNotifierOptions {
  readonly databaseUrl: string;
  readonly nodeId: string;
  /** Told when listening or publishing fails (it reconnects by itself). */
  readonly onError?: (error: unknown) => void;
  /** Wait before reconnecting the listening connection. Default 1000 ms. */
  readonly reconnectDelayMs?: number;
}

const MAX_PAYLOAD_KEY_LENGTH = 1000;

/** LISTEN/NOTIFY over a dedicated connection that reconnects when it drops. */
export class PostgresChangeNotifier implements ChangeNotifier {
  private readonly listeners = new Set<(change: Change) => void>();
  private listener: pg.Client | null = null;
  private readonly publisher: pg.Pool;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly options: PostgresChangeNotifierOptions,
    private readonly pg: PgModule,
  ) {
    this.publisher = new pg.Pool({ connectionString: options.databaseUrl, max: 1 });
    this.publisher.on('error', (error) => options.onError?.(error));
  }

  /** Connects and starts listening before it resolves, so no change after it is missed. */
  static async start(options: PostgresChangeNotifierOptions): Promise<PostgresChangeNotifier> {
    const notifier = new PostgresChangeNotifier(options, await loadPg());
    await notifier.listen();
    return notifier;
  }

  async publish(kind: Exclude<ChangeKind, 'resync'>, key?: string): Promise<void> {
    const change: Change = { kind, nodeId: this.options.nodeId, ...(key === undefined ? {} : { key: key.slice(0, MAX_PAYLOAD_KEY_LENGTH) }) };
    try {
      await this.publisher.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify(change)]);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  onChange(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    const client = this.listener;
    this.listener = null;
    await Promise.allSettled([client?.end(), this.publisher.end()]);
  }

  private async listen(): Promise<void> {
    const client = new this.pg.Client({ connectionString: this.options.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel !== CHANGES_CHANNEL || message.payload === undefined) return;
      let change: Change;
      try {
        change = JSON.parse(message.payload) as Change;
      } catch {
        return;
      }
      if (change.nodeId !== this.options.nodeId) this.emit(change);
    });
    const lost = (error?: unknown): void => {
      if (this.listener !== client) return;
      this.listener = null;
      if (error !== undefined) this.options.onError?.(error);
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.connect();
    await client.query(`listen ${CHANGES_CHANNEL}`);
    this.listener = client;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer !== null) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.listen().then(
        // Changes made while disconnected were not heard: everyone drops what they cached.
        () => this.emit({ kind: 'resync', nodeId: this.options.nodeId }),
        (error: unknown) => {
          this.options.onError?.(error);
          this.scheduleReconnect();
        },
      );
    }, this.options.reconnectDelayMs ?? 1000);
    this.reconnectTimer.unref();
  }

  private emit(change: Change): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }
}
