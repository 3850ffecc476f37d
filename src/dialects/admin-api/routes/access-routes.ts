/**
 * `/admin/api/access…`: the Workflow API's access settings as the Dashboard sets them — the API
 * access token (set, generate, clear), "Use OpenID Connect for token access", and the admin
 * password. They go through the SettingsService, whose store announces each change on the
 * cluster's change channel, so every node applies it at once (docs/security.md).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ADMIN_SESSION_COOKIE, generateSecret, readCookie, type AccessControl } from '../../../access/index.js';
import { WaymarkError } from '../../../errors/index.js';
import { errorResponses } from './schemas.js';

/** Random bytes of a generated API token (64 base64url characters). */
export const GENERATED_TOKEN_BYTES = 48;
/** The one OpenID Connect client of the identity server. */
export const WORKFLOW_API_CLIENT_ID = 'workflowapi';

/** `GET /admin/api/access` (the API explorer relies on exactly this shape). */
export const AccessSettingsSchema = Type.Object(
  {
    apiToken: Type.Union([Type.String(), Type.Null()], { description: 'The Workflow API access token; null while the API is open' }),
    oidcEnabled: Type.Boolean({ description: '"Use OpenID Connect for token access"' }),
    publicUrl: Type.Union([Type.String(), Type.Null()], { description: 'WAYMARK_PUBLIC_URL, or null' }),
    discoveryUrl: Type.String({ description: 'The identity server\'s discovery document' }),
    tokenEndpoint: Type.String({ description: 'Where a client obtains an access token (client credentials grant)' }),
    clientId: Type.Literal(WORKFLOW_API_CLIENT_ID),
  },
  { title: 'Access settings' },
);
export type AccessSettings = Static<typeof AccessSettingsSchema>;

const TokenBody = Type.Object({ token: Type.String({ description: '16–512 visible ASCII characters, no spaces' }) }, { additionalProperties: false });
const OidcBody = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false });
const PasswordBody = Type.Object(
  {
    currentPassword: Type.String({ description: 'The admin password in use' }),
    newPassword: Type.String({ description: '8–1024 characters' }),
  },
  { additionalProperties: false },
);
const GeneratedToken = Type.Object({ apiToken: Type.String({ description: 'The new token; shown once here and by GET /admin/api/access' }) });

/** What the access routes use. */
export interface AccessRouteOptions {
  readonly access: Pick<AccessControl, 'settings' | 'issuerFor' | 'publicUrl' | 'limiters' | 'logger' | 'changeAdminPassword'>;
}

/** The access routes; registered inside the admin API's guarded scope. */
export const accessRoutes: FastifyPluginAsync<AccessRouteOptions> = async (plainApp, { access }) => {
  const app = plainApp.withTypeProvider<TypeBoxTypeProvider>();
  const settings = access.settings;
  const tags = ['Access'];

  app.get(
    '/access',
    {
      schema: {
        tags,
        summary: 'Read the access settings',
        description: 'The API access token, the OpenID Connect switch, and where a client gets a token in OpenID Connect mode.',
        response: { 200: AccessSettingsSchema, ...errorResponses() },
      },
    },
    async (request): Promise<AccessSettings> => {
      const issuer = access.issuerFor(request).replace(/\/+$/, '');
      const [apiToken, oidcEnabled] = await Promise.all([settings.getApiToken(), settings.isOidcEnabled()]);
      return {
        apiToken,
        oidcEnabled,
        publicUrl: access.publicUrl,
        discoveryUrl: `${issuer}/.well-known/openid-configuration`,
        tokenEndpoint: `${issuer}/connect/token`,
        clientId: WORKFLOW_API_CLIENT_ID,
      };
    },
  );

  app.put(
    '/access/api-token',
    {
      schema: {
        tags,
        summary: 'Set the API access token',
        description: 'Every Workflow API call must then send it (field `token`), or, in OpenID Connect mode, a bearer token obtained with it.',
        body: TokenBody,
        response: { 204: Type.Null({ description: 'Set' }), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      await settings.setApiToken(request.body.token);
      request.log.info('the API access token was set from the admin API');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/access/api-token/generate',
    {
      schema: {
        tags,
        summary: 'Generate a new API access token',
        description: `${GENERATED_TOKEN_BYTES} random bytes, base64url-encoded (64 characters); replaces the token in use.`,
        response: { 200: GeneratedToken, ...errorResponses() },
      },
    },
    async (request) => {
      const apiToken = generateSecret(GENERATED_TOKEN_BYTES);
      await settings.setApiToken(apiToken);
      request.log.info('a new API access token was generated from the admin API');
      return { apiToken };
    },
  );

  app.delete(
    '/access/api-token',
    {
      schema: {
        tags,
        summary: 'Clear the API access token (the Workflow API becomes open)',
        description: 'Refused while "Use OpenID Connect for token access" is on.',
        response: { 204: Type.Null({ description: 'Cleared' }), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      await settings.setApiToken(null);
      request.log.warn('the API access token was cleared from the admin API: the Workflow API is open');
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/access/oidc',
    {
      schema: {
        tags,
        summary: 'Turn "Use OpenID Connect for token access" on or off',
        description: 'Refused while no API access token is set. When on, clients send `Authorization: Bearer <access_token>` from the token endpoint instead of the `token` field.',
        body: OidcBody,
        response: { 204: Type.Null({ description: 'Changed' }), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      await settings.setOidcEnabled(request.body.enabled);
      request.log.info({ oidcEnabled: request.body.enabled }, 'OpenID Connect token access was switched from the admin API');
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/access/admin-password',
    {
      schema: {
        tags,
        summary: 'Change the admin password',
        description: 'Needs the current password (a wrong one counts as a failed sign-in of this address). Every other admin session ends; the one that made the change stays signed in.',
        body: PasswordBody,
        response: { 204: Type.Null({ description: 'Changed' }), ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      // Reserved before the scrypt check, so parallel wrong guesses cannot all pass the limit.
      const retryAfter = access.limiters.adminPassword.reserveAttempt(request.ip);
      if (retryAfter !== null) {
        reply.header('retry-after', String(retryAfter));
        throw new WaymarkError('WM_RATE_LIMITED', `Too many failed attempts from this address; try again in ${retryAfter} s.`);
      }
      if (!(await settings.verifyAdminPassword(request.body.currentPassword))) {
        access.logger.info({ client: request.ip }, 'refused an admin password change: wrong current password');
        throw new WaymarkError('WM_INPUT_INVALID', 'The current password is not right.', { field: 'currentPassword' });
      }
      access.limiters.adminPassword.succeeded(request.ip);
      const sessionId = readCookie(request.headers.cookie, ADMIN_SESSION_COOKIE);
      await access.changeAdminPassword(request.body.newPassword, sessionId === null ? {} : { keepSessionId: sessionId });
      access.logger.info({ client: request.ip }, 'the admin password was changed from the admin API');
      return reply.code(204).send(null);
    },
  );
};
