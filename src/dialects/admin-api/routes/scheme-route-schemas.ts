/**
 * The schemas of the admin API's scheme, form, instance and log routes (admin-api-plugin.ts): they
 * become the admin API's OpenAPI document and the API suites check every answer against it.
 * The handlers read their requests themselves, so these describe without rejecting (DESCRIBE_ONLY).
 */
import { Type } from '@sinclair/typebox';
import { errorResponses } from './schemas.js';

const ExternalNeeds = Type.Object({
  actions: Type.Array(Type.String()),
  conditions: Type.Array(Type.String()),
  rules: Type.Array(Type.String()),
}, { description: 'What the scheme needs from a callback server' });

const CodeParams = Type.Object({ code: Type.String({ description: 'The scheme code' }) });
const FormParams = Type.Object({ code: Type.String({ description: 'The scheme code' }), name: Type.String({ description: 'The form name' }) });
const StateQuery = Type.Object({ state: Type.Optional(Type.String({ description: 'The state the form is for; none for the form of every state' })) });

const Form = Type.Object({
  schemeCode: Type.String(),
  name: Type.String(),
  state: Type.Union([Type.String(), Type.Null()]),
  source: Type.String({ description: 'The form source' }),
});

const Schemes = ['Schemes'];
const Instances = ['Instances'];
const Logs = ['Logs'];

/** The schema of each route, by what it does. */
export const SCHEME_ROUTE_SCHEMAS = {
  listSchemes: {
    tags: Schemes,
    summary: 'List the schemes (latest version of each) with their instance counts',
    response: {
      200: Type.Array(
        Type.Object({
          code: Type.String(),
          name: Type.String(),
          version: Type.Integer(),
          tags: Type.Array(Type.String()),
          createdAt: Type.String({ format: 'date-time' }),
          instanceCount: Type.Integer({ minimum: 0 }),
          externalNeeds: ExternalNeeds,
        }),
      ),
      ...errorResponses(),
    },
  },
  saveScheme: {
    tags: Schemes,
    summary: 'Import a scheme: native JSON (application/json) or vendor XML (application/xml); a new version when the code exists',
    consumes: ['application/json', 'application/xml', 'text/xml'],
    querystring: Type.Object({ code: Type.Optional(Type.String({ description: 'Store under this code instead of the one in the scheme' })) }),
    body: Type.Unknown({ description: 'The scheme: a native JSON scheme, or vendor XML' }),
    response: {
      201: Type.Object(
        { code: Type.String(), version: Type.Integer(), id: Type.String(), externalNeeds: ExternalNeeds },
        { description: 'Stored; Location names the new version' },
      ),
      ...errorResponses(400, 413, 415),
    },
  },
  getScheme: {
    tags: Schemes,
    summary: 'One version of a scheme (latest by default), as native JSON or as a vendor XML download',
    params: CodeParams,
    querystring: Type.Object({
      version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version; the latest without it' })),
      format: Type.Optional(Type.String({ enum: ['json', 'xml'], description: 'json (default) or xml; Accept: application/xml asks for xml too' })),
    }),
    response: {
      200: Type.Object(
        { code: Type.String(), version: Type.Integer(), id: Type.String(), createdAt: Type.String({ format: 'date-time' }), definition: Type.Object({}, { description: 'The native JSON scheme' }) },
        { description: 'The scheme (format=xml: an application/xml download instead)' },
      ),
      ...errorResponses(400, 404),
    },
  },
  listSchemeVersions: {
    tags: Schemes,
    summary: 'Every version of a scheme',
    params: CodeParams,
    response: {
      200: Type.Array(
        Type.Object({
          version: Type.Integer(),
          id: Type.String(),
          name: Type.String(),
          tags: Type.Array(Type.String()),
          createdAt: Type.String({ format: 'date-time' }),
          importedFromXml: Type.Boolean(),
        }),
      ),
      ...errorResponses(404),
    },
  },
  deleteScheme: {
    tags: Schemes,
    summary: 'Delete every version of a scheme; refused while instances use it, unless force=true deletes them too',
    params: CodeParams,
    querystring: Type.Object({ force: Type.Optional(Type.Boolean({ description: 'Also delete the instances of the scheme' })) }),
    response: {
      200: Type.Object({ code: Type.String(), deletedVersions: Type.Integer(), deletedInstances: Type.Integer() }),
      ...errorResponses(400, 404, 409),
    },
  },
  listForms: { tags: Schemes, summary: 'The forms of a scheme', params: CodeParams, response: { 200: Type.Array(Form), ...errorResponses(404) } },
  getForm: { tags: Schemes, summary: 'One form of a scheme', params: FormParams, querystring: StateQuery, response: { 200: Form, ...errorResponses(404) } },
  saveForm: {
    tags: Schemes,
    summary: 'Save a form of a scheme: {"source": "…"}',
    params: FormParams,
    querystring: StateQuery,
    body: Type.Object({ source: Type.String({ description: 'The form source' }) }),
    response: { 200: Form, ...errorResponses(400, 404, 415) },
  },
  deleteForm: {
    tags: Schemes,
    summary: 'Delete a form of a scheme',
    params: FormParams,
    querystring: StateQuery,
    response: { 200: Type.Object({ schemeCode: Type.String(), name: Type.String(), state: Type.Union([Type.String(), Type.Null()]), deleted: Type.Literal(true) }), ...errorResponses(404) },
  },
  getInstance: {
    tags: Instances,
    summary: 'One process instance with its scheme and history',
    params: Type.Object({ id: Type.String({ description: 'The process id' }) }),
    response: {
      200: Type.Object({
        instance: Type.Object({ id: Type.String() }, { description: 'The instance as stored: state, activity, parameters, status' }),
        scheme: Type.Object({ code: Type.String(), version: Type.Integer(), name: Type.String() }),
        history: Type.Array(Type.Object({})),
      }),
      ...errorResponses(404),
    },
  },
  queryLogs: {
    tags: Logs,
    summary: 'The process log, newest first',
    querystring: Type.Object({
      level: Type.Optional(Type.String({ description: 'Only entries of this level' })),
      search: Type.Optional(Type.String({ description: 'Only entries whose message contains this text' })),
      skip: Type.Optional(Type.Integer({ minimum: 0 })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Entries per page, 100 by default' })),
    }),
    response: {
      200: Type.Object({
        items: Type.Array(Type.Object({ id: Type.Integer(), level: Type.String(), message: Type.String(), properties: Type.Object({}), createdAt: Type.String({ format: 'date-time' }) })),
        total: Type.Integer({ minimum: 0 }),
      }),
      ...errorResponses(400),
    },
  },
} as const;
