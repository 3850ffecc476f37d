import { waymarkPlugin as adminApi } from '../dialects/admin-api/index.js';
import { waymarkPlugin as apiV1 } from '../dialects/api-v1/index.js';
import { waymarkPlugin as workflowApi } from '../dialects/workflow-api/index.js';
import { waymarkPlugin as identityServer } from '../identity/index.js';
import { adminPanelFiles, type WaymarkPlugin } from '../http/index.js';

/**
 * The HTTP surface `waymark serve` mounts, in order. A new dialect or the admin API is added here:
 * its module exports a `WaymarkPlugin` (see `src/http/plugins.ts`) and this list names it.
 */
export function installedPlugins(): readonly WaymarkPlugin[] {
  return [identityServer, workflowApi, adminApi, apiV1, adminPanelFiles()];
}
