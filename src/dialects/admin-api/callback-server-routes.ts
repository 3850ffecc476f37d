/**
 * The admin API's callback servers (`/admin/api/callback-servers`): what the admin panel's
 * Callback API page lists, adds, changes, removes and tests. Registered inside the admin API's
 * scope, so its admin guard (session + CSRF, or Basic) and error mapping apply. Tokens go in,
 * never out: answers say only whether one is set.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { CALLBACK_METHODS, type CallbackServerService } from '../../callbacks/index.js';
import { WaymarkError } from '../../errors/index.js';
import { errorResponses } from './routes/schemas.js';

const tags = ['Callback servers'];

/** What the routes need. */
export interface CallbackServerRoutesOptions {
  readonly callbackServers: CallbackServerService;
}

const MethodName = Type.Union(CALLBACK_METHODS.map((method) => Type.Literal(method)));
const Text = Type.String({ maxLength: 2048 });
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });

const MethodView = Type.Object({
  method: MethodName,
  path: Type.String(),
  url: Type.Union([Type.String(), Type.Null()]),
  hasOwnToken: Type.Boolean(),
});

/** A callback server as the admin API shows it. */
export const CallbackServerViewSchema = Type.Object({
  name: Type.String(),
  source: Type.Union([Type.Literal('setting'), Type.Literal('environment')]),
  baseUrl: Type.Union([Type.String(), Type.Null()]),
  timeoutMs: Type.Integer(),
  hasToken: Type.Boolean(),
  methods: Type.Array(MethodView),
});

const NewServer = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  baseUrl: Type.Optional(Type.Union([Text, Type.Null()])),
  token: Type.Optional(Type.Union([Text, Type.Null()])),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  paths: Type.Optional(Type.Record(Type.String(), Text)),
  tokens: Type.Optional(Type.Record(Type.String(), Text)),
  allMethods: Type.Optional(Type.Boolean()),
});
type NewServer = Static<typeof NewServer>;

const ServerChanges = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  baseUrl: Type.Optional(Type.Union([Text, Type.Null()])),
  token: Type.Optional(Type.Union([Text, Type.Null()])),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  paths: Type.Optional(Type.Record(Type.String(), Type.Union([Text, Type.Null()]))),
  tokens: Type.Optional(Type.Record(Type.String(), Type.Union([Text, Type.Null()]))),
  allMethods: Type.Optional(Type.Boolean()),
});
type ServerChanges = Static<typeof ServerChanges>;

const TestRequest = Type.Object({ schemeCode: Type.Optional(Type.String({ maxLength: 256 })) });
type TestRequest = Static<typeof TestRequest>;

const TestResults = Type.Object({
  server: Type.String(),
  ok: Type.Boolean(),
  results: Type.Array(
    Type.Object({
      method: MethodName,
      url: Type.String(),
      ok: Type.Boolean(),
      data: Type.Optional(Type.Unknown()),
      error: Type.Optional(Type.String()),
    }),
  ),
});

/** The routes, under the admin API's prefix. */
export const callbackServerRoutes: FastifyPluginAsync<CallbackServerRoutesOptions> = async (app, { callbackServers }) => {
  app.get('/callback-servers', { schema: { tags, summary: 'List the callback servers (tokens are never shown)', response: { 200: Type.Array(CallbackServerViewSchema), ...errorResponses() } } }, async () => callbackServers.list());

  app.get<{ Params: Static<typeof NameParams> }>(
    '/callback-servers/:name',
    { schema: { tags, summary: 'One callback server', params: NameParams, response: { 200: CallbackServerViewSchema, ...errorResponses(400, 404) } } },
    async (request) => callbackServers.get(request.params.name),
  );

  app.post<{ Body: NewServer }>('/callback-servers', { schema: { tags, summary: 'Add a callback server', body: NewServer, response: { 201: CallbackServerViewSchema, ...errorResponses(400, 409, 413, 415) } } }, async (request, reply) => {
    refuseUnknownFields(request.body, NewServer.properties);
    const { name, baseUrl, token, timeoutMs, paths, tokens, allMethods } = request.body;
    const added = await callbackServers.add({
      name,
      ...(baseUrl === undefined ? {} : { baseUrl }),
      ...(token === undefined ? {} : { token }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(paths === undefined ? {} : { paths }),
      ...(tokens === undefined ? {} : { tokens }),
      ...(allMethods === undefined ? {} : { allMethods }),
    });
    reply.header('location', `/admin/api/callback-servers/${encodeURIComponent(added.name)}`);
    return reply.code(201).send(added);
  });

  app.patch<{ Params: Static<typeof NameParams>; Body: ServerChanges }>(
    '/callback-servers/:name',
    { schema: { tags, summary: 'Change a callback server (null clears a value)', params: NameParams, body: ServerChanges, response: { 200: CallbackServerViewSchema, ...errorResponses(400, 404, 409, 413, 415) } } },
    async (request) => {
      refuseUnknownFields(request.body, ServerChanges.properties);
      const { name, baseUrl, token, timeoutMs, paths, tokens, allMethods } = request.body;
      return callbackServers.change(request.params.name, {
        ...(name === undefined ? {} : { name }),
        ...(baseUrl === undefined ? {} : { baseUrl }),
        ...(token === undefined ? {} : { token }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        ...(paths === undefined ? {} : { paths }),
        ...(tokens === undefined ? {} : { tokens }),
        ...(allMethods === undefined ? {} : { allMethods }),
      });
    },
  );

  app.delete<{ Params: Static<typeof NameParams> }>('/callback-servers/:name', { schema: { tags, summary: 'Remove a callback server', params: NameParams, response: { 200: Type.Object({ name: Type.String(), deleted: Type.Literal(true) }), ...errorResponses(400, 404) } } }, async (request) => {
    const removed = await callbackServers.get(request.params.name);
    await callbackServers.remove(removed.name);
    return { name: removed.name, deleted: true };
  });

  app.post<{ Params: Static<typeof NameParams>; Body: TestRequest | undefined }>(
    '/callback-servers/:name/test',
    { schema: { tags, summary: 'Call each method of a callback server once and report what answered', params: NameParams, response: { 200: TestResults, ...errorResponses(400, 404, 413, 415) } } },
    async (request) => {
      const body = request.body ?? {};
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new WaymarkError('WM_INPUT_INVALID', 'Send {"schemeCode": "…"} or no body', {});
      refuseUnknownFields(body, TestRequest.properties);
      const schemeCode = body.schemeCode;
      if (schemeCode !== undefined && typeof schemeCode !== 'string') throw new WaymarkError('WM_INPUT_INVALID', 'schemeCode must be a text', { field: 'schemeCode' });
      const server = await callbackServers.get(request.params.name);
      const results = await callbackServers.test(server.name, schemeCode ?? '');
      return { server: server.name, ok: results.length > 0 && results.every((result) => result.ok), results };
    },
  );
};

/**
 * Refuses a field the route does not know (a misspelt `baseURL` must not be dropped silently).
 * Checked here because fastify's validator removes unknown fields rather than refusing them.
 */
function refuseUnknownFields(body: object, known: object): void {
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(known, key)) {
      throw new WaymarkError('WM_INPUT_INVALID', `'${key}' is not a field of a callback server (${Object.keys(known).join(', ')})`, { field: key });
    }
  }
}
