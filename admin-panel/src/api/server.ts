/** What the header shows about the server: its version, node id and readiness. */
import type { ApiClient } from './client';
import { ApiError } from './errors';

/** `GET /admin/api/server`. */
export interface ServerInfo {
  readonly name: string;
  readonly version: string;
  readonly nodeId: string;
  /** True when the store is PostgreSQL, where several nodes may share the database. */
  readonly clustered: boolean;
  readonly startedAt: string;
}

/** `GET /readiness`, reduced to what the header shows. */
export interface Readiness {
  readonly ready: boolean;
  readonly reasons: readonly string[];
}

/** Reads the server facts. */
export function fetchServerInfo(client: ApiClient): Promise<ServerInfo> {
  return client.get<ServerInfo>('/admin/api/server');
}

/** Reads `/readiness`; a 503 answer is "not ready", not an error. */
export async function fetchReadiness(client: ApiClient): Promise<Readiness> {
  try {
    await client.get('/readiness', { unauthorizedIsError: true });
    return { ready: true, reasons: [] };
  } catch (error) {
    if (error instanceof ApiError && error.status === 503) return { ready: false, reasons: [error.message] };
    throw error;
  }
}
