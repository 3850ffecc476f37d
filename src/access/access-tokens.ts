import { createHmac, randomBytes } from 'node:crypto';
import type { JWTHeaderParameters } from 'jose';
import type { Clock } from '../services/clock.js';
import { secretsEqual } from './secret-compare.js';
import { loadJose } from './jose-module.js';
import {
  ACCESS_TOKEN_LIFETIME_SECONDS,
  CLOCK_SKEW_SECONDS,
  SIGNING_ALGORITHM,
  type SigningKeyRing,
} from './signing-keys.js';

/** The one client the identity server knows. */
export const WORKFLOW_API_CLIENT_ID = 'workflowapi';
/** The audience and the one scope of Workflow API access tokens. */
export const WORKFLOW_API_AUDIENCE = 'WorkflowApi';
export const WORKFLOW_API_SCOPE = 'WorkflowApi';
/** The JWT `typ` header of access tokens (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * A fingerprint of the API access token, put into every access token as `tkh` so that changing
 * the API token invalidates earlier access tokens. Keyed with a server-side salt so the claim
 * cannot be used to guess a weak API token offline.
 */
export function apiTokenFingerprint(apiToken: string, salt: string): string {
  return createHmac('sha256', salt).update(apiToken, 'utf8').digest('base64url');
}

/** What an issued token looks like on the wire of `/connect/token`. */
export interface IssuedAccessToken {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
}

/** Signs a Workflow API access token (RS256, `typ: at+jwt`, one hour). */
export async function issueAccessToken(options: {
  readonly keys: SigningKeyRing;
  readonly issuer: string;
  readonly fingerprint: string;
  readonly clock: Clock;
}): Promise<IssuedAccessToken> {
  const { SignJWT } = await loadJose();
  const { kid, privateKey } = await options.keys.activeKey();
  const now = Math.floor(options.clock.now().getTime() / 1000);
  const accessToken = await new SignJWT({
    client_id: WORKFLOW_API_CLIENT_ID,
    scope: [WORKFLOW_API_SCOPE],
    tkh: options.fingerprint,
  })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(options.issuer)
    .setAudience(WORKFLOW_API_AUDIENCE)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + ACCESS_TOKEN_LIFETIME_SECONDS)
    .setJti(randomBytes(16).toString('hex').toUpperCase())
    .sign(privateKey);
  return { access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_LIFETIME_SECONDS, scope: WORKFLOW_API_SCOPE };
}

/** Why a token was refused; for debug logs only, never shown to callers. */
export type AccessTokenVerdict = { readonly valid: true } | { readonly valid: false; readonly reason: string };

/**
 * Verifies a Workflow API access token: RS256 only, a known `kid`, `typ`, one of the accepted
 * issuers, the audience, `exp`/`nbf` with {@link CLOCK_SKEW_SECONDS} of skew against the injected
 * clock, the client and scope, and that `tkh` matches the current API token.
 */
export async function verifyAccessToken(
  token: string,
  options: {
    readonly keys: SigningKeyRing;
    readonly issuers: readonly string[];
    readonly fingerprint: string;
    readonly clock: Clock;
  },
): Promise<AccessTokenVerdict> {
  const { jwtVerify } = await loadJose();
  try {
    const { payload } = await jwtVerify(
      token,
      async (header: JWTHeaderParameters) => {
        if (typeof header.kid !== 'string') throw new Error('token has no kid');
        const key = await options.keys.verificationKey(header.kid);
        if (key === null) throw new Error('unknown kid');
        return key;
      },
      {
        algorithms: [SIGNING_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: [...options.issuers],
        audience: WORKFLOW_API_AUDIENCE,
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: options.clock.now(),
        requiredClaims: ['exp', 'nbf', 'iat', 'jti'],
      },
    );
    if (payload.client_id !== WORKFLOW_API_CLIENT_ID) return { valid: false, reason: 'wrong client_id' };
    if (!Array.isArray(payload.scope) || !payload.scope.includes(WORKFLOW_API_SCOPE)) return { valid: false, reason: 'missing scope' };
    if (typeof payload.tkh !== 'string' || !secretsEqual(payload.tkh, options.fingerprint)) {
      return { valid: false, reason: 'issued for another API token' };
    }
    return { valid: true };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { valid: false, reason: typeof code === 'string' ? code : error instanceof Error ? error.message : 'invalid token' };
  }
}
