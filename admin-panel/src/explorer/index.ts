/**
 * The admin panel's API explorer: the pure part (no DOM) — the operation list from the server's
 * OpenAPI documents, form values → request, and the code written for a request.
 */
export {
  API_V1_KEY_PREFIX,
  catalogFromDocuments,
  findOperation,
  groupOperations,
  type ApiName,
  type ExplorerDocuments,
  type ExplorerField,
  type ExplorerOperation,
  type FieldKind,
  type LoadHint,
  type OperationGroup,
  type OperationSecurity,
} from './operation-catalog.js';
export type { OpenApiDocument } from './openapi-document.js';
export {
  buildRequest,
  type BuiltRequest,
  type ExplorerAccess,
  type ExplorerRequest,
  type FieldValue,
  type FormProblem,
  type FormValues,
  type ProcessParameterRow,
  type TokenGrant,
  type WorkflowApiAccess,
} from './request-builder.js';
export { CODE_LANGUAGES, generateCode, type CodeInput, type CodeLanguage } from './code/generate-code.js';
export type { JsonValue } from './json-values.js';
