/**
 * The admin API as the HTTP shell mounts it: adds the admin sign-in routes (`/admin/login`,
 * `/admin/session`, `/admin/logout`) whose sessions the guard accepts, and the admin API under
 * `/admin/api`, over the server's access control and services.
 */
import { adminSessionPlugin } from '../../access/index.js';
import type { WaymarkPlugin } from '../../http/plugins.js';
import { ADMIN_API_PREFIX, adminApiPlugin } from './admin-api-plugin.js';
import { registerAdminOpenApi } from './openapi-document.js';

/** The plugin the composition root lists in `installedPlugins()`. */
export const waymarkPlugin: WaymarkPlugin = {
  name: 'admin-api',
  async register(app, context) {
    const { access, services } = context;
    const startedAt = context.clock.now().toISOString();
    // First: the document collects the routes registered after it in this scope.
    await registerAdminOpenApi(app);
    // Sign-in lives beside the API because sessions are held by this access control's session store.
    await app.register(adminSessionPlugin(access));
    await app.register(adminApiPlugin, {
      prefix: ADMIN_API_PREFIX,
      workflow: services.workflow,
      forms: services.forms,
      logs: services.logs,
      access,
      bodyLimit: context.config.bodyLimit,
      callbackServers: services.callbackServers,
      dashboard: services.dashboard,
      requestRate: context.requestRate,
      nodeId: context.node.id,
      server: { version: context.version, nodeId: context.node.id, clustered: context.node.clustered, store: context.storeKind, startedAt },
    });
  },
};
