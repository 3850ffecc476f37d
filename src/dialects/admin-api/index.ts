/** The admin API (`/admin/api`): scheme management for tools and the admin panel. */
export { adminApiPlugin, ADMIN_API_PREFIX, type AdminApiOptions, type SchemeSummary } from './admin-api-plugin.js';
export { toAdminErrorReply, type AdminErrorBody, type AdminErrorReply } from './admin-error.js';
export { waymarkPlugin } from './waymark-plugin.js';
export { DESCRIBE_ONLY } from './routes/schemas.js';
export { TENANT_ADMIN_ROUTES } from './routes/tenant-admin-schemas.js';
