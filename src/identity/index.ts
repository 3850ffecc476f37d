export { identityServerPlugin, JWKS_PATH, TOKEN_PATH } from './identity-server.js';
export {
  issueAccessToken,
  verifyAccessToken,
  apiTokenFingerprint,
  WORKFLOW_API_CLIENT_ID,
  WORKFLOW_API_AUDIENCE,
  WORKFLOW_API_SCOPE,
  ACCESS_TOKEN_TYPE,
  type IssuedAccessToken,
  type AccessTokenVerdict,
} from './access-tokens.js';
export {
  SigningKeyRing,
  SIGNING_KEYS_SETTING,
  SIGNING_ALGORITHM,
  ACCESS_TOKEN_LIFETIME_SECONDS,
  CLOCK_SKEW_SECONDS,
  type PublicSigningJwk,
  type ActiveSigningKey,
} from './signing-keys.js';
export { waymarkPlugin } from './waymark-plugin.js';
