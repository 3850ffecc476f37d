/**
 * The node seam of the store: the registry of Waymark nodes sharing one database. Only a
 * cluster (PostgreSQL) has one; it runs on a connection of its own (cluster-node.ts), so it is
 * not part of {@link Store}.
 */

/** What a node is doing, as the others see it. */
export type NodeRuntimeState = 'running' | 'stopped' | 'stopping' | 'lost';

/** One registered node. */
export interface NodeRecord {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly runtimeState: NodeRuntimeState;
}

/** Where the nodes of a cluster register and watch each other. */
export interface NodeRecords {
  /** Adds (or replaces) this node's row. */
  register(node: NodeRecord): Promise<void>;
  /** Refreshes this node's heartbeat and state; false when its row is gone (removed by an operator). */
  heartbeat(id: string, at: Date, runtimeState: NodeRuntimeState): Promise<boolean>;
  /**
   * Marks `lost` every other node not yet lost or stopped whose heartbeat is older than
   * `cutoff`, and returns them; two nodes never both report the same loss.
   */
  markLost(exceptId: string, cutoff: Date): Promise<readonly NodeRecord[]>;
  /** Records a clean stop (the row stays, as a record of the node). */
  markStopped(id: string, at: Date): Promise<void>;
  /** Every registered node, oldest first. */
  list(): Promise<readonly NodeRecord[]>;
  /** Deletes rows of nodes stopped or lost before `before` (housekeeping). */
  forgetOlderThan(before: Date): Promise<number>;
}
