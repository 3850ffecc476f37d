/**
 * The HTTP shell: the fastify app, its probes and error handling, and the registration point for
 * plugins. It assembles nothing: `src/server/` builds the application and hands the shell its parts.
 */
export { buildServer, type ServerDeps, type PluginParts } from './build-server.js';
export { toErrorReply, type ErrorReply } from './error-reply.js';
export { mountFastifyPlugin, type ServerServices, type WaymarkPlugin, type WaymarkPluginContext } from './plugins.js';
export type { ReadinessChecks, ReadinessReport } from './health-routes.js';
export { adminPanelFiles, defaultAdminPanelDirectory, type AdminPanelFilesOptions } from './admin-panel-files.js';
export {
  ADMIN_PANEL_CONTENT_SECURITY_POLICY,
  ADMIN_PANEL_PATH,
  API_CONTENT_SECURITY_POLICY,
  DOWNLOAD_CONTENT_SECURITY_POLICY,
  PAGE_CONTENT_SECURITY_POLICY,
  contentSecurityPolicyFor,
  sendAsDownload,
  staticSecurityHeaders,
  type SecurityHeaderOptions,
} from './security-headers.js';
