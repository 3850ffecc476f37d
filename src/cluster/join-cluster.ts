/**
 * Wires one server into its cluster: the node registry reports the runtime switch, a lost node
 * wakes this node's timer scheduler and outgoing message dispatcher (the lost node's leases have lapsed),
 * and the store announces settings, user and scheme changes to the other nodes.
 */
import type { WorkflowRuntime } from '../runtime/workflow-runtime.js';
import type { Clock } from '../services/clock.js';
import type { WorkflowService } from '../services/workflow-service.js';
import type { Store } from '../store/store.js';
import { ClusterNode, DEFAULT_NODE_TIMEOUT_MS } from './cluster-node.js';
import { notifyingStore } from './notifying-store.js';

/** What {@link joinCluster} needs. */
export interface JoinClusterOptions {
  /** The PostgreSQL URL of the store, or null for the single SQLite node. */
  readonly databaseUrl: string | null;
  readonly clock: Clock;
  readonly nodeTimeoutMs?: number;
  readonly onError?: (error: unknown, what: string) => void;
}

/**
 * The lease and longest sleep the runtime must use on a cluster, so a lost node's claims lapse
 * within the node timeout and a sleeping node looks again at least that often.
 */
export function clusterRuntimeTimings(nodeTimeoutMs: number = DEFAULT_NODE_TIMEOUT_MS): { leaseMs: number; maxSleepMs: number } {
  return { leaseMs: nodeTimeoutMs, maxSleepMs: nodeTimeoutMs };
}

/** Starts the node; call `bindRuntime` once the service and runtime exist. */
export async function joinCluster(options: JoinClusterOptions): Promise<{
  readonly node: ClusterNode;
  /** Wraps the store so this node's changes are announced to the others (a node alone keeps it as it is). */
  readonly announcing: (store: Store) => Store;
  /** Reports the service's runtime switch and wakes the runtime when another node is lost. */
  readonly bindRuntime: (service: WorkflowService, runtime: WorkflowRuntime) => void;
}> {
  let service: WorkflowService | null = null;
  let runtime: WorkflowRuntime | null = null;
  const node = await ClusterNode.start({
    databaseUrl: options.databaseUrl,
    clock: options.clock,
    ...(options.nodeTimeoutMs === undefined ? {} : { nodeTimeoutMs: options.nodeTimeoutMs }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
    runtimeState: () => (service === null || service.execution.isRunning ? 'running' : 'stopped'),
    onNodesLost: () => {
      runtime?.scheduler.timerArmed(options.clock.now());
      runtime?.dispatcher.messagesWritten();
    },
  });
  return {
    node,
    // A node alone on its database (SQLite) has no one to announce to.
    announcing: (store) => (options.databaseUrl === null ? store : notifyingStore(store, node.notifier)),
    bindRuntime: (boundService, boundRuntime) => {
      service = boundService;
      runtime = boundRuntime;
    },
  };
}
