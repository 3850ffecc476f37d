/**
 * The admin API as the HTTP shell mounts it: builds the access control and services from the
 * shell's context, adds the admin sign-in routes (`/admin/login`, `/admin/session`,
 * `/admin/logout`) whose sessions the guard accepts, and the admin API under `/admin/api`.
 */
import { adminSessionPlugin } from '../../access/index.js';
import { CallbackServerService } from '../../callbacks/index.js';
import type { WaymarkPlugin } from '../../http/plugins.js';
import { FormService } from '../../services/form-service.js';
import { LogService } from '../../services/log-service.js';
import { DashboardService } from '../../services/dashboard-service.js';
import { ADMIN_API_PREFIX, adminApiPlugin } from './admin-api-plugin.js';
import { registerAdminOpenApi } from './openapi-document.js';

/** The plugin the HTTP shell loads from this module. */
export const waymarkPlugin: WaymarkPlugin = {
  name: 'admin-api',
  async register(app, context) {
    const access = context.access;
    const logs = new LogService({ records: context.store, logger: context.logger, clock: context.clock });
    const forms = new FormService(context.store, context.services);
    const dashboard = new DashboardService({ store: context.store, clock: context.clock, node: context.node });
    const startedAt = context.clock.now().toISOString();
    // First: the document collects the routes registered after it in this scope.
    await registerAdminOpenApi(app);
    // Sign-in lives beside the API because sessions are held by this access control's session store.
    await app.register(adminSessionPlugin(access));
    await app.register(adminApiPlugin, {
      prefix: ADMIN_API_PREFIX,
      workflow: context.services,
      forms,
      logs,
      access,
      bodyLimit: context.config.bodyLimit,
      // The process's environment, as the runtime reads WAYMARK_CALLBACK_URL from it.
      callbackServers: new CallbackServerService({ store: context.store, env: process.env, clock: context.clock }),
      dashboard,
      requestRate: context.requestRate,
      nodeId: context.node.id,
      server: { version: context.version, nodeId: context.node.id, clustered: context.node.clustered, store: context.store.kind, startedAt },
    });
  },
};
