/**
 * What the admin Dashboard shows of the server: counts of schemes, instances by status, pending
 * timers, open user tasks and recent errors; the nodes of a cluster with their heartbeats; the
 * latest instances. Every figure is read without a full scan (the instance counters, and counts
 * that stop at a bound), so the Dashboard costs the same with a thousand or a million instances.
 */
import { InstanceStatus, type ProcessInstance } from '../engine/types.js';
import type { BoundedCount, InstanceStore, StoreOverview } from '../store/store.js';
import type { Clock } from './clock.js';

/** The instance statuses the Dashboard shows, by name. */
export const DASHBOARD_STATUSES = ['Running', 'Idled', 'Finalized', 'Terminated', 'Error'] as const;
/** One of {@link DASHBOARD_STATUSES}. */
export type DashboardStatus = (typeof DASHBOARD_STATUSES)[number];

/** Bounded counts stop after this many rows: the Dashboard then shows "more than 10,000". */
export const DASHBOARD_COUNT_BOUND = 10_000;
/** "Errors in the last 24 h" looks back this far. */
export const ERROR_WINDOW_MS = 24 * 60 * 60_000;
/** Most instances {@link DashboardService.latestInstances} answers. */
export const MAX_LATEST_INSTANCES = 100;

/** One node of the cluster, as the Dashboard lists it. */
export interface DashboardNode {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  /** `running`, `stopping`, `stopped` or `lost`. */
  readonly runtimeState: string;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  /** True for the node that answered. */
  readonly self: boolean;
}

/** Where the Dashboard learns about this node and its cluster. */
export interface NodeDirectory {
  /** This node's id. */
  readonly id: string;
  /** True when the store is shared by several nodes (PostgreSQL). */
  readonly clustered: boolean;
  /** The nodes registered in the shared database (empty on a single node). */
  listNodes(): Promise<readonly Omit<DashboardNode, 'self'>[]>;
}

/** The Dashboard's figures. */
export interface DashboardOverview {
  /** When they were read (ISO). */
  readonly at: string;
  readonly schemes: number;
  /** Root instances by status, exact; `total` is every root instance, whatever its status. */
  readonly instances: Readonly<Record<DashboardStatus, number>> & { readonly total: number };
  readonly pendingTimers: BoundedCount;
  readonly openUserTasks: BoundedCount;
  /** Process log entries of level `error` (Workflow API `logerror`) in the last 24 hours. */
  readonly errorsLast24h: BoundedCount;
  /** The bound of the bounded counts. */
  readonly countBound: number;
  readonly node: { readonly id: string; readonly clustered: boolean };
  /** The cluster's nodes (only this one when not clustered). */
  readonly nodes: readonly DashboardNode[];
}

/** A row of the latest instances. */
export interface InstanceSummary {
  readonly id: string;
  readonly schemeCode: string;
  readonly schemeVersion: number;
  readonly status: DashboardStatus | 'Initialized';
  readonly activityName: string;
  readonly stateName: string | null;
  readonly tenantId: string | null;
  readonly createdAt: string;
  readonly lastTransitionAt: string | null;
}

const STATUS_NAMES = new Map<number, DashboardStatus | 'Initialized'>(
  Object.entries(InstanceStatus).map(([name, value]) => [value, name as DashboardStatus | 'Initialized']),
);

/** The Dashboard's service; see the module comment. */
export class DashboardService {
  constructor(
    private readonly deps: {
      readonly store: StoreOverview & Pick<InstanceStore, 'listInstances'>;
      readonly clock: Clock;
      readonly node: NodeDirectory;
    },
  ) {}

  /** The counts, this node and the cluster's nodes. */
  async overview(): Promise<DashboardOverview> {
    const now = this.deps.clock.now();
    const errorsSince = new Date(now.getTime() - ERROR_WINDOW_MS).toISOString();
    const [counts, nodes] = await Promise.all([
      this.deps.store.dashboardCounts({ errorsSince, bound: DASHBOARD_COUNT_BOUND }),
      this.deps.node.clustered ? this.deps.node.listNodes() : Promise.resolve([]),
    ]);
    const byStatus = (status: number) => counts.instancesByStatus[status] ?? 0;
    const total = Object.values(counts.instancesByStatus).reduce((sum, count) => sum + count, 0);
    const self = this.deps.node.id;
    return {
      at: now.toISOString(),
      schemes: counts.schemes,
      instances: {
        Running: byStatus(InstanceStatus.Running),
        Idled: byStatus(InstanceStatus.Idled),
        Finalized: byStatus(InstanceStatus.Finalized),
        Terminated: byStatus(InstanceStatus.Terminated),
        Error: byStatus(InstanceStatus.Error),
        total,
      },
      pendingTimers: counts.pendingTimers,
      openUserTasks: counts.openUserTasks,
      errorsLast24h: counts.errorLogEntries,
      countBound: DASHBOARD_COUNT_BOUND,
      node: { id: self, clustered: this.deps.node.clustered },
      nodes: nodes.map((node) => ({
        id: node.id,
        host: node.host,
        pid: node.pid,
        runtimeState: node.runtimeState,
        startedAt: node.startedAt,
        heartbeatAt: node.heartbeatAt,
        self: node.id === self,
      })),
    };
  }

  /**
   * The newest root instances, by creation time (newest first): at most `limit`, itself at most
   * {@link MAX_LATEST_INSTANCES}. Read through the creation-time index: the cost is the page.
   */
  async latestInstances(limit: number): Promise<{ readonly items: readonly InstanceSummary[]; readonly total: number }> {
    const take = Math.min(Math.max(1, Math.floor(limit)), MAX_LATEST_INSTANCES);
    const page = await this.deps.store.listInstances({ take, sort: { field: 'createdAt', direction: 'desc' }, rootsOnly: true });
    return { items: page.items.map(summarizeInstance), total: page.total };
  }
}

function summarizeInstance(instance: ProcessInstance): InstanceSummary {
  return {
    id: instance.id,
    schemeCode: instance.schemeCode,
    schemeVersion: instance.schemeVersion,
    status: STATUS_NAMES.get(instance.status) ?? 'Initialized',
    activityName: instance.activityName,
    stateName: instance.stateName,
    tenantId: instance.tenantId,
    createdAt: instance.createdAt,
    lastTransitionAt: instance.lastTransitionAt,
  };
}
