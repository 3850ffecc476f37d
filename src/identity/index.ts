/** The identity server: OpenID Connect discovery, the JWKS and `/connect/token` (client credentials). */
export { identityServerPlugin, JWKS_PATH, TOKEN_PATH } from './identity-server.js';
export { waymarkPlugin } from './waymark-plugin.js';
