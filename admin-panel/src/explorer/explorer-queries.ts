/**
 * What the explorer reads from the server, as TanStack Query definitions: the two OpenAPI
 * documents (the one source of the operation list), the access settings, and the stored schemes.
 */
import { queryOptions } from '@tanstack/react-query';
import { api } from '../api';
import type { AccessSettings } from './access-settings';
import type { ExplorerDocuments, OpenApiDocument } from './index';

/** Both documents; they change only with a server release, so they are kept for the session. */
export const explorerDocumentsQuery = queryOptions({
  queryKey: ['explorer', 'openapi'],
  queryFn: async (): Promise<ExplorerDocuments> => {
    const [workflowApi, apiV1] = await Promise.all([
      api.get<OpenApiDocument>('/openapi/workflowapi.json'),
      api.get<OpenApiDocument>('/openapi/api-v1.json'),
    ]);
    return { workflowApi, apiV1 };
  },
  staleTime: Infinity,
});

/** `GET /admin/api/access`: how the Workflow API is protected now. */
export const accessSettingsQuery = queryOptions({
  queryKey: ['admin', 'access'],
  queryFn: () => api.get<AccessSettings>('/admin/api/access'),
});

/** One stored scheme as `GET /admin/api/schemes` lists it (the fields the explorer uses). */
export interface StoredScheme {
  readonly code: string;
  readonly name: string;
  readonly version: number;
}

/** The stored schemes, for the scheme-code dropdown. */
export const storedSchemesQuery = queryOptions({
  queryKey: ['admin', 'schemes'],
  queryFn: () => api.get<StoredScheme[]>('/admin/api/schemes'),
});
