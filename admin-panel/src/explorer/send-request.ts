/**
 * Sends an explorer request from the page and reports what came back: HTTP status, time taken,
 * the body (JSON when it is JSON), and whether it is an error — an HTTP error, a Workflow API
 * envelope with `success: false`, or no answer at all. In OpenID Connect mode the access token
 * is first obtained by the client credentials grant, and kept until shortly before it expires.
 */
import type { ExplorerRequest, TokenGrant } from './request-builder.js';

/** What a Send shows. */
export interface SendOutcome {
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  readonly durationMs: number;
  /** The body: parsed JSON, or text. */
  readonly body: unknown;
  /** Why it failed, when it did (shown as an error). */
  readonly error?: string;
}

/** What sending needs from the page: fetch and a clock in milliseconds (injected in tests). */
export interface SendContext {
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly tokens: AccessTokenCache;
}

/** Access tokens by client secret and token endpoint, until a minute before they expire. */
export class AccessTokenCache {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  /** A token still good at `now`, or undefined. */
  get(grant: TokenGrant, now: number): string | undefined {
    const cached = this.tokens.get(keyOf(grant));
    return cached !== undefined && cached.expiresAt > now ? cached.token : undefined;
  }

  /** Keeps a token that lives `expiresInSeconds`. */
  set(grant: TokenGrant, token: string, expiresInSeconds: number, now: number): void {
    this.tokens.set(keyOf(grant), { token, expiresAt: now + Math.max(0, expiresInSeconds - 60) * 1000 });
  }

  /** Forgets every token (e.g. after the access settings changed). */
  clear(): void {
    this.tokens.clear();
  }
}

function keyOf(grant: TokenGrant): string {
  return JSON.stringify([grant.tokenEndpoint, grant.clientId, grant.clientSecret]);
}

/** Sends the request (after the token grant it needs) and describes the answer; never throws. */
export async function sendRequest(request: ExplorerRequest, context: SendContext): Promise<SendOutcome> {
  const started = context.now();
  const elapsed = () => Math.round(context.now() - started);
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) headers[name] = value;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.bearer?.kind === 'token') headers.authorization = `Bearer ${request.bearer.token}`;
  if (request.bearer?.kind === 'granted') {
    const granted = await grantToken(request.bearer.grant, context);
    if ('error' in granted) return { status: granted.status, durationMs: elapsed(), body: granted.body, error: granted.error };
    headers.authorization = `Bearer ${granted.token}`;
  }

  let response: Response;
  try {
    response = await context.fetch(request.url, {
      method: request.method,
      headers,
      // The page's own session cookie is not for these APIs.
      credentials: 'omit',
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
  } catch (error) {
    return { status: 0, durationMs: elapsed(), body: null, error: `No answer from the server: ${error instanceof Error ? error.message : String(error)}` };
  }
  const body = await readBody(response);
  const durationMs = elapsed();
  const error = errorOf(request, response.status, body);
  return { status: response.status, durationMs, body, ...(error === undefined ? {} : { error }) };
}

async function grantToken(grant: TokenGrant, context: SendContext): Promise<{ token: string } | { error: string; status: number; body: unknown }> {
  const cached = context.tokens.get(grant, context.now());
  if (cached !== undefined) return { token: cached };
  let response: Response;
  try {
    response = await context.fetch(grant.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      credentials: 'omit',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: grant.clientId, client_secret: grant.clientSecret }).toString(),
    });
  } catch (error) {
    return { status: 0, body: null, error: `No answer from the token endpoint: ${error instanceof Error ? error.message : String(error)}` };
  }
  const body = await readBody(response);
  const token = (body as { access_token?: unknown } | null)?.access_token;
  if (!response.ok || typeof token !== 'string') {
    const described = (body as { error_description?: unknown; error?: unknown } | null) ?? {};
    const reason = typeof described.error_description === 'string' ? described.error_description : typeof described.error === 'string' ? described.error : `HTTP ${response.status}`;
    return { status: response.status, body, error: `The token request was refused: ${reason}` };
  }
  const expiresIn = (body as { expires_in?: unknown }).expires_in;
  context.tokens.set(grant, token, typeof expiresIn === 'number' ? expiresIn : 0, context.now());
  return { token };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorOf(request: ExplorerRequest, status: number, body: unknown): string | undefined {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : undefined);
  if (request.api === 'workflowapi' && fields.success === false) {
    return [text('error'), text('message')].filter(Boolean).join(' — ') || `The operation failed (HTTP ${status})`;
  }
  if (status >= 400) {
    const detail = [text('errorCode') ?? text('code') ?? text('error'), text('message')].filter(Boolean).join(': ');
    return `HTTP ${status}${detail === '' ? '' : ` — ${detail}`}`;
  }
  return undefined;
}
