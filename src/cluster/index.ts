/** Several nodes on one database: node registry and heartbeats, change notifications between nodes. */
export { ClusterNode, DEFAULT_NODE_TIMEOUT_MS, nodeTimeoutFromEnvironment, type ClusterNodeOptions } from './cluster-node.js';
export {
  CHANGES_CHANNEL,
  PostgresChangeNotifier,
  singleNodeNotifier,
  type Change,
  type ChangeKind,
  type ChangeNotifier,
  type PostgresChangeNotifierOptions,
} from './change-notifier.js';
export { notifyingStore } from './notifying-store.js';
export type { NodeRecord, NodeRuntimeState } from '../store/sql-node-records.js';
export { joinCluster, clusterRuntimeTimings, type JoinClusterOptions } from './join-cluster.js';
