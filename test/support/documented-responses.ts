/**
 * Checks every answer an API suite gets against the OpenAPI document that describes it: the
 * `/api/v1` and admin API harnesses call {@link checkEveryAnswer}, so a route that answers a shape
 * (or a status) its document does not give fails the test that saw it.
 *
 * ajv is fastify's own validator (a dependency of fastify), used here as fastify uses it.
 */
import type { TestContext } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Schema = Record<string, unknown>;
interface Operation {
  readonly responses?: Readonly<Record<string, { readonly description?: string; readonly content?: Readonly<Record<string, { readonly schema?: Schema }>> }>>;
}
interface Document {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
}

/** One documented operation, found by method and URL. */
interface DocumentedRoute {
  readonly template: string;
  readonly pattern: RegExp;
  readonly method: string;
  readonly operation: Operation;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, validateFormats: true }));
const compiled = new WeakMap<Schema, ReturnType<Ajv2020['compile']>>();

function validatorOf(schema: Schema): ReturnType<Ajv2020['compile']> {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function routesOf(documents: readonly Document[]): DocumentedRoute[] {
  return documents.flatMap((document) =>
    Object.entries(document.paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        template,
        // A path parameter matches one segment, as fastify's router does.
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        method: method.toUpperCase(),
        operation,
      })),
    ),
  );
}

/**
 * What is wrong with `response` against the documents, or null when it matches or no document
 * describes its URL (answers of no route: the route table test covers undocumented routes).
 * Only JSON answers are checked; an HTML task page or an XML download is not a schema's.
 */
export function responseMismatch(documents: readonly Document[], method: string, url: string, response: LightMyRequestResponse): string | null {
  const path = decodeURI(url.split('?')[0] ?? url);
  const candidates = routesOf(documents).filter((route) => route.pattern.test(path));
  // A static segment wins over a parameter (`/schemes/{code}` vs `/schemes/x`), as in the router.
  const route = candidates.find((candidate) => candidate.method === method && !candidate.template.includes('{'))
    ?? candidates.find((candidate) => candidate.method === (method === 'HEAD' ? 'GET' : method));
  if (route === undefined || method === 'HEAD') return null;
  const where = `${method} ${route.template} → ${response.statusCode}`;
  const documented = route.operation.responses?.[String(response.statusCode)] ?? route.operation.responses?.default;
  if (documented === undefined) return `${where}: the status is not documented (${response.body.slice(0, 200)})`;
  const contentType = String(response.headers['content-type'] ?? '');
  if (!contentType.includes('json') || response.body === '') return null;
  const schema = documented.content?.['application/json']?.schema;
  if (schema === undefined) return `${where}: a JSON answer where the document gives none`;
  const validate = validatorOf(schema);
  if (validate(JSON.parse(response.body))) return null;
  return `${where}: ${ajv.errorsText(validate.errors)} in ${response.body.slice(0, 300)}`;
}

/**
 * Makes `app.inject({...})` record each answer (the suites call `h.app.inject` directly), and
 * checks them all against the documents when the test ends: a mismatch fails that test, naming the
 * request. The documents are read from the server (as clients read them) only then, so reading
 * them does not show in what the test counts (the Dashboard's request rate). Call it before the
 * harness registers closing the server: hooks run in the order they were added.
 */
export function checkEveryAnswer(app: FastifyInstance, t: TestContext, documentUrls: readonly string[]): void {
  const original = app.inject.bind(app) as (...args: unknown[]) => unknown;
  const answers: { method: string; url: string; response: LightMyRequestResponse }[] = [];
  const inject = async (...args: unknown[]): Promise<unknown> => {
    const [options, callback] = args;
    if (options === undefined || typeof options === 'string' || callback !== undefined) return original(...args);
    const request = options as InjectOptions;
    const response = (await original(request)) as LightMyRequestResponse;
    answers.push({ method: String(request.method ?? 'GET').toUpperCase(), url: String(request.url ?? request.path ?? '/'), response });
    return response;
  };
  Object.defineProperty(app, 'inject', { value: inject, configurable: true, writable: true });
  t.after(async () => {
    if (answers.length === 0) return;
    const documents = await Promise.all(documentUrls.map(async (url) => ((await original({ method: 'GET', url })) as LightMyRequestResponse).json() as Document));
    const mismatches = answers.map(({ method, url, response }) => responseMismatch(documents, method, url, response)).filter((found) => found !== null);
    if (mismatches.length > 0) throw new Error(`Answers that do not match their OpenAPI document:\n${[...new Set(mismatches)].join('\n')}`);
  });
}
