/**
 * The `/api/v1` dialect as the HTTP shell mounts it: registers the dialect ({@link apiV1Plugin})
 * and its management routes under `/admin/api` ({@link tenantAdminPlugin}) over the server's
 * tenant, token, model and task services.
 */
import type { WaymarkPlugin } from '../../http/plugins.js';
import { ADMIN_API_PREFIX } from '../admin-api/index.js';
import { apiV1Plugin } from './api-v1-plugin.js';
import { tenantAdminPlugin } from './tenant-admin-plugin.js';

/** The plugin the composition root lists in `installedPlugins()`. */
export const waymarkPlugin: WaymarkPlugin = {
  name: 'api-v1',
  async register(app, context) {
    const { tenants, tokens, models, tasks } = context.services;
    const services = { tenants, tokens, models, tasks };
    // The server's one access control: an admin signed in at /admin/login manages these records
    // with the same session, and failed sign-ins count against one limit.
    const access = context.access;
    await app.register(apiV1Plugin, {
      ...services,
      originOf: (request) => access.publicOrigin.of(request),
      bodyLimit: context.config.bodyLimit,
    });
    await app.register(tenantAdminPlugin, { ...services, access, bodyLimit: context.config.bodyLimit, prefix: ADMIN_API_PREFIX });
  },
};
