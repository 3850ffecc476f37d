/** The Dashboard's queries: each refreshes by itself while the page is open. */
import { useQuery } from '@tanstack/react-query';
import { adminApi, api } from '../api';

/** How often the figures refresh. */
export const REFRESH_MS = 5_000;
/** The request-rate chart's range. */
export const RATE_MINUTES = 15;
const LATEST_INSTANCES = 20;

const admin = adminApi(api);

export const queryKeys = {
  access: ['access'] as const,
  dashboard: ['dashboard'] as const,
  requestRate: ['dashboard', 'requests', RATE_MINUTES] as const,
  latestInstances: ['dashboard', 'latest-instances'] as const,
  schemes: ['schemes'] as const,
};

export function useAccessSettings() {
  return useQuery({ queryKey: queryKeys.access, queryFn: admin.access });
}

export function useDashboard() {
  return useQuery({ queryKey: queryKeys.dashboard, queryFn: admin.dashboard, refetchInterval: REFRESH_MS });
}

export function useRequestRate() {
  return useQuery({ queryKey: queryKeys.requestRate, queryFn: () => admin.requestRate(RATE_MINUTES), refetchInterval: REFRESH_MS });
}

export function useLatestInstances() {
  return useQuery({ queryKey: queryKeys.latestInstances, queryFn: () => admin.latestInstances(LATEST_INSTANCES), refetchInterval: REFRESH_MS });
}

export function useSchemes() {
  return useQuery({ queryKey: queryKeys.schemes, queryFn: admin.schemes, refetchInterval: REFRESH_MS * 6 });
}

export { admin };
