/**
 * The Workflow API as the HTTP shell mounts it: builds the dialect's services from the shell's
 * context and registers {@link workflowApiPlugin} at the root of its scope.
 */
import type { WaymarkPlugin } from '../../http/plugins.js';
import { UserService } from '../../services/index.js';
import { FormService } from '../../services/form-service.js';
import { LogService } from '../../services/log-service.js';
import { workflowApiPlugin } from './workflow-api-plugin.js';

/** The plugin the HTTP shell loads from this module. */
export const waymarkPlugin: WaymarkPlugin = {
  name: 'workflow-api',
  async register(app, context) {
    const access = context.access;
    const logs = new LogService({ records: context.store, logger: context.logger, clock: context.clock });
    const forms = new FormService(context.store, context.services);
    await app.register(workflowApiPlugin, {
      workflow: context.services,
      users: new UserService(context.store, context.clock),
      logs,
      forms,
      access,
      bodyLimit: context.config.bodyLimit,
    });
  },
};
