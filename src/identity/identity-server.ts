import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessControl } from '../access/access-control.js';
import { parseBasicAuthorization } from '../access/admin-sessions.js';
import { secretsEqual } from '../access/secret-compare.js';
import {
  WORKFLOW_API_CLIENT_ID,
  WORKFLOW_API_SCOPE,
  apiTokenFingerprint,
  issueAccessToken,
} from '../access/access-tokens.js';
import { SIGNING_ALGORITHM } from '../access/signing-keys.js';

/** Path of the JWKS document. */
export const JWKS_PATH = '/.well-known/openid-configuration/jwks';
/** Path of the token endpoint. */
export const TOKEN_PATH = '/connect/token';

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** An RFC 6749 §5.2 error. */
type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope' | 'unauthorized_client';

/**
 * The built-in identity server: `GET /.well-known/openid-configuration` (discovery), the JWKS,
 * and `POST /connect/token` for the client-credentials grant of the one client `workflowapi`,
 * whose secret is the API access token. Tokens are issued only while "Use OpenID Connect for token
 * access" is on. Failed client authentications count against the client address.
 */
export function identityServerPlugin(access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    if (!app.hasContentTypeParser(FORM_TYPE)) {
      app.addContentTypeParser(FORM_TYPE, { parseAs: 'string' }, (_request, body, done) => {
        // Without a prototype: a field named `constructor` must not find Object.prototype's.
        const fields = Object.create(null) as Record<string, string | string[]>;
        for (const [name, value] of new URLSearchParams(body as string)) {
          const existing = fields[name];
          fields[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
        }
        done(null, fields);
      });
    }

    app.get('/.well-known/openid-configuration', async (request, reply) => {
      const issuer = access.issuerFor(request);
      return reply.header('cache-control', 'no-store').send({
        issuer,
        jwks_uri: `${issuer}${JWKS_PATH}`,
        token_endpoint: `${issuer}${TOKEN_PATH}`,
        scopes_supported: [WORKFLOW_API_SCOPE],
        claims_supported: ['iss', 'aud', 'client_id', 'scope', 'iat', 'nbf', 'exp', 'jti'],
        grant_types_supported: ['client_credentials'],
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [SIGNING_ALGORITHM],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      });
    });

    app.get(JWKS_PATH, async (_request, reply) => {
      return reply.header('cache-control', 'max-age=300').send(await access.settings.signingKeys.publicKeySet());
    });

    app.post(TOKEN_PATH, async (request, reply) => {
      // The client secret is the API token: wrong ones share the Workflow API token field's limit.
      const limiter = access.limiters.apiToken;
      const limited = limiter.retryAfterSeconds(request.ip);
      if (limited !== null) return tooManyAttempts(reply, limited);
      if (!isForm(request)) return oauthError(reply, 400, 'invalid_request', `The token request must be ${FORM_TYPE}.`);
      // Decided before the client is checked: a token is never issued under a host the server
      // was not told it answers to (the issuer would be whatever the caller put in Host).
      const issuer = access.publicOrigin.ofOrNull(request);
      if (issuer === null) {
        return oauthError(reply, 400, 'invalid_request', 'This server does not answer to the host of this request: set WAYMARK_PUBLIC_URL, or list the host in WAYMARK_ALLOWED_HOSTS.');
      }
      const form = request.body as Record<string, unknown>;
      const field = (name: string): string | undefined | null => {
        const value = form[name];
        if (value === undefined || value === '') return undefined;
        return typeof value === 'string' ? value : null;
      };
      for (const name of ['grant_type', 'client_id', 'client_secret', 'scope']) {
        if (field(name) === null) return oauthError(reply, 400, 'invalid_request', `The parameter '${name}' was given more than once.`);
      }

      const basicHeader = request.headers.authorization;
      const usesBasic = basicHeader !== undefined && /^Basic /i.test(basicHeader);
      const basic = usesBasic ? parseBasicAuthorization(basicHeader) : null;
      if (usesBasic && basic === null) return oauthError(reply, 400, 'invalid_request', 'The Authorization header is malformed.');
      if (basic !== null && field('client_secret') !== undefined) {
        return oauthError(reply, 400, 'invalid_request', 'Authenticate the client in one way only: HTTP Basic or client_secret.');
      }
      const clientId = basic !== null ? safeDecode(basic.user) : field('client_id');
      const clientSecret = basic !== null ? safeDecode(basic.password) : field('client_secret');

      const grantType = field('grant_type');
      if (grantType === undefined) return oauthError(reply, 400, 'invalid_request', "The parameter 'grant_type' is missing.");
      if (clientId === undefined || clientId === null) return oauthError(reply, 400, 'invalid_request', "The parameter 'client_id' is missing.");

      // Reserved before the settings read the check awaits, so parallel guesses cannot pass the limit.
      const retryAfter = limiter.reserveAttempt(request.ip);
      if (retryAfter !== null) return tooManyAttempts(reply, retryAfter);
      const apiToken = await access.settings.getApiToken();
      const clientValid =
        [secretsEqual(clientId, WORKFLOW_API_CLIENT_ID), apiToken !== null && clientSecret !== undefined && clientSecret !== null && secretsEqual(clientSecret, apiToken)].every(Boolean);
      if (!clientValid || apiToken === null) {
        access.logger.info({ client: request.ip }, 'refused a token request: client authentication failed');
        if (basic !== null) reply.header('www-authenticate', 'Basic realm="waymark", charset="UTF-8"');
        return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
      }
      limiter.succeeded(request.ip);
      if (grantType !== 'client_credentials') {
        return oauthError(reply, 400, 'unsupported_grant_type', 'Only the client_credentials grant is supported.');
      }
      const scope = field('scope');
      if (scope !== undefined && scope !== null && scope.split(' ').some((item) => item !== '' && item !== WORKFLOW_API_SCOPE)) {
        return oauthError(reply, 400, 'invalid_scope', `The only scope is '${WORKFLOW_API_SCOPE}'.`);
      }
      if (!(await access.settings.isOidcEnabled())) {
        return oauthError(reply, 400, 'unauthorized_client', 'OpenID Connect token access is turned off on this server.');
      }

      if (access.publicUrl === null) await access.settings.rememberIssuer(issuer);
      const issued = await issueAccessToken({
        keys: access.settings.signingKeys,
        issuer,
        fingerprint: apiTokenFingerprint(apiToken, await access.settings.tokenBindingSalt()),
        clock: access.clock,
      });
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(issued);
    });
  };
}

function isForm(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.toLowerCase().startsWith(FORM_TYPE) && typeof request.body === 'object' && request.body !== null;
}

// RFC 6749 §2.3.1: Basic credentials are form-encoded before base64.
function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

function tooManyAttempts(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  reply.header('retry-after', String(retryAfterSeconds));
  return oauthError(reply, 429, 'invalid_request', `Too many failed attempts from this address; try again in ${retryAfterSeconds} seconds.`);
}

function oauthError(reply: FastifyReply, status: number, error: OAuthError, description: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').header('pragma', 'no-cache').send({ error, error_description: description });
}
