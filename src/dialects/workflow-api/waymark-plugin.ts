/**
 * The Workflow API as the HTTP shell mounts it: registers {@link workflowApiPlugin} at the root of
 * its scope over the server's services.
 */
import type { WaymarkPlugin } from '../../http/plugins.js';
import { workflowApiPlugin } from './workflow-api-plugin.js';

/** The plugin the composition root lists in `installedPlugins()`. */
export const waymarkPlugin: WaymarkPlugin = {
  name: 'workflow-api',
  async register(app, context) {
    const { services } = context;
    await app.register(workflowApiPlugin, {
      workflow: services.workflow,
      users: services.users,
      logs: services.logs,
      forms: services.forms,
      access: context.access,
      bodyLimit: context.config.bodyLimit,
    });
  },
};
