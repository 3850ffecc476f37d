/**
 * The identity server as the HTTP shell mounts it (at the root, no prefix): discovery, the JWKS
 * and `/connect/token`, over its own access control on the shell's store.
 */
import type { WaymarkPlugin } from '../http/plugins.js';
import { identityServerPlugin } from './identity-server.js';

/** The plugin the composition root lists in `installedPlugins()`. */
export const waymarkPlugin: WaymarkPlugin = {
  name: 'identity-server',
  async register(app, context) {
    const access = context.access;
    await app.register(identityServerPlugin(access));
  },
};
