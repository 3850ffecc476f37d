/**
 * The two OpenAPI documents as the server serves them, built from the same functions its
 * dialects serve them with, for the explorer's unit tests (no server needed).
 */
import { apiV1OpenApiComponents, apiV1OpenApiPaths, apiV1OpenApiTags } from '../../../../src/dialects/api-v1/openapi.js';
import { openApiDocumentParts, openApiPaths } from '../../../../src/dialects/workflow-api/openapi.js';
import { OPERATIONS } from '../../../../src/dialects/workflow-api/operations.js';
import type { ExplorerDocuments } from '../operation-catalog.js';
import type { OpenApiDocument } from '../openapi-document.js';

/** Both documents, through JSON as the browser receives them. */
export function serverDocuments(): { workflowApi: OpenApiDocument; apiV1: OpenApiDocument } & ExplorerDocuments {
  const workflowApi = { openapi: '3.1.0', info: { title: 'Waymark Workflow API' }, ...openApiDocumentParts(), paths: openApiPaths(OPERATIONS) };
  const apiV1 = { openapi: '3.1.0', info: { title: 'Waymark /api/v1' }, tags: apiV1OpenApiTags(), paths: apiV1OpenApiPaths(), components: apiV1OpenApiComponents() };
  return JSON.parse(JSON.stringify({ workflowApi, apiV1 })) as { workflowApi: OpenApiDocument; apiV1: OpenApiDocument };
}

/** The Workflow API operation names, in the server's order. */
export const WORKFLOW_API_OPERATION_NAMES: readonly string[] = OPERATIONS.map((operation) => operation.name);
