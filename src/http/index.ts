/** The HTTP shell: the fastify app, its probes and error handling, and the registration point for dialects. */
export { buildServer, type ServerDeps } from './build-server.js';
export { startServer, type RunningServer, type StartServerOptions } from './start-server.js';
export { toErrorReply, type ErrorReply } from './error-reply.js';
export { mountFastifyPlugin, type WaymarkPlugin, type WaymarkPluginContext } from './plugins.js';
export type { ReadinessReport } from './health-routes.js';
export { installedPlugins } from './installed-plugins.js';
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
