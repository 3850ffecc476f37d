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
  VERIFICATION_KEYS_MAX_AGE_MS,
  UNKNOWN_KID_READ_INTERVAL_MS,
  type SigningKeyRingOptions,
  type PublicSigningJwk,
  type ActiveSigningKey,
} from './signing-keys.js';
export { waymarkPlugin } from './waymark-plugin.js';
