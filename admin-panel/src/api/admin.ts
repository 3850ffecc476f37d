/**
 * The admin API calls of the Dashboard (documented in /openapi/admin-api.json): access settings,
 * counts, request rate, latest instances and schemes.
 */
import type { ApiClient } from './client';

/** `GET /admin/api/access` (the explorer relies on this shape too). */
export interface AccessSettings {
  readonly apiToken: string | null;
  readonly oidcEnabled: boolean;
  readonly publicUrl: string | null;
  readonly discoveryUrl: string;
  readonly tokenEndpoint: string;
  readonly clientId: 'workflowapi';
}

/** A count that stops at a bound. */
export interface BoundedCount {
  readonly count: number;
  readonly atLeast: boolean;
}

/** The instance statuses the Dashboard counts. */
export const INSTANCE_STATUSES = ['Running', 'Idled', 'Finalized', 'Terminated', 'Error'] as const;
export type InstanceStatusName = (typeof INSTANCE_STATUSES)[number];

/** A node of the cluster. */
export interface ClusterNode {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly runtimeState: string;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly self: boolean;
}

/** `GET /admin/api/dashboard`. */
export interface DashboardOverview {
  readonly at: string;
  readonly schemes: number;
  readonly instances: Readonly<Record<InstanceStatusName, number>> & { readonly total: number };
  readonly pendingTimers: BoundedCount;
  readonly openUserTasks: BoundedCount;
  readonly errorsLast24h: BoundedCount;
  readonly countBound: number;
  readonly node: { readonly id: string; readonly clustered: boolean };
  readonly nodes: readonly ClusterNode[];
}

/** `GET /admin/api/dashboard/requests`. */
export interface RequestRate {
  readonly from: string;
  readonly perSecond: readonly number[];
  readonly total: number;
  readonly averagePerSecond: number;
  readonly nodeId: string;
}

/** A row of `GET /admin/api/dashboard/latest-instances`. */
export interface InstanceSummary {
  readonly id: string;
  readonly schemeCode: string;
  readonly schemeVersion: number;
  readonly status: InstanceStatusName | 'Initialized';
  readonly activityName: string;
  readonly stateName: string | null;
  readonly tenantId: string | null;
  readonly createdAt: string;
  readonly lastTransitionAt: string | null;
}

/** A row of `GET /admin/api/schemes`. */
export interface SchemeSummary {
  readonly code: string;
  readonly name: string;
  readonly version: number;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly instanceCount: number;
}

/** The calls, bound to a client. */
export function adminApi(client: ApiClient) {
  return {
    access: () => client.get<AccessSettings>('/admin/api/access'),
    setApiToken: (token: string) => client.put<void>('/admin/api/access/api-token', { token }),
    generateApiToken: () => client.post<{ apiToken: string }>('/admin/api/access/api-token/generate'),
    clearApiToken: () => client.delete<void>('/admin/api/access/api-token'),
    setOidcEnabled: (enabled: boolean) => client.put<void>('/admin/api/access/oidc', { enabled }),
    changeAdminPassword: (currentPassword: string, newPassword: string) =>
      client.put<void>('/admin/api/access/admin-password', { currentPassword, newPassword }),
    dashboard: () => client.get<DashboardOverview>('/admin/api/dashboard'),
    requestRate: (minutes: number) => client.get<RequestRate>('/admin/api/dashboard/requests', { query: { minutes } }),
    latestInstances: (limit: number) =>
      client.get<{ items: readonly InstanceSummary[]; total: number }>('/admin/api/dashboard/latest-instances', { query: { limit } }),
    schemes: () => client.get<readonly SchemeSummary[]>('/admin/api/schemes'),
  };
}
