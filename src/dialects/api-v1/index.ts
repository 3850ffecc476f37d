/** The OnTask-compatible `/api/v1` dialect: tenants, workflow models, instances, user tasks and task links. */
export { apiV1Plugin, API_V1_PREFIX, API_V1_OPENAPI_PATH, API_V1_DOCS_PATH, TENANT_HEADER, type ApiV1Options } from './api-v1-plugin.js';
export { tenantAdminPlugin, type TenantAdminOptions } from './tenant-admin-plugin.js';
export { toApiV1ErrorReply, API_V1_ERROR_CODES, INPUT_ERROR_STATUS, type ApiV1ErrorBody, type ApiV1ErrorCode, type ApiV1ErrorReply } from './api-v1-error.js';
export { waymarkPlugin } from './waymark-plugin.js';
