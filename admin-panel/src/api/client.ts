/**
 * The one way the panel talks to the server: a fetch wrapper that sends the session cookie,
 * adds the session's CSRF token to every change (POST, PUT, PATCH, DELETE), turns a 401 into
 * {@link SessionExpiredError} (after telling the app, which shows the sign-in page with a
 * message), and every other error answer into an {@link ApiError}.
 */
import { ApiError, NetworkError, SessionExpiredError, errorFromResponse } from './errors';

/** The header the admin guard reads the CSRF token from (src/access/admin-sessions.ts). */
export const CSRF_HEADER = 'x-csrf-token';

/** HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the client is built from. */
export interface ApiClientOptions {
  /** `fetch` (tests pass their own). */
  readonly fetch: typeof fetch;
  /** The CSRF token of the current session, or null when signed out. */
  readonly csrfToken: () => string | null;
  /** Called once per 401 from a request that needed the session. */
  readonly onSessionExpired: () => void;
}

/** Options of one request. */
export interface RequestOptions {
  /** A JSON body. */
  readonly body?: unknown;
  /** Query values; undefined values are left out. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** A 401 is an ordinary error, not a lost session (the sign-in form uses it). */
  readonly unauthorizedIsError?: boolean;
  readonly signal?: AbortSignal;
}

/** The API client. */
export interface ApiClient {
  request<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  put<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  delete<T>(path: string, options?: RequestOptions): Promise<T>;
}

const CHANGING: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Builds a client; see the module comment. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  async function request<T>(method: HttpMethod, path: string, requestOptions: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (requestOptions.body !== undefined) headers['content-type'] = 'application/json';
    const csrf = options.csrfToken();
    if (CHANGING.has(method) && csrf !== null) headers[CSRF_HEADER] = csrf;
    let response: Response;
    try {
      response = await options.fetch(withQuery(path, requestOptions.query), {
        method,
        headers,
        credentials: 'same-origin',
        ...(requestOptions.body === undefined ? {} : { body: JSON.stringify(requestOptions.body) }),
        ...(requestOptions.signal === undefined ? {} : { signal: requestOptions.signal }),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new NetworkError(error);
    }
    const body = await readBody(response);
    if (response.ok) return body as T;
    if (response.status === 401 && requestOptions.unauthorizedIsError !== true) {
      options.onSessionExpired();
      throw new SessionExpiredError();
    }
    throw errorFromResponse(response.status, body);
  }
  return {
    request,
    get: (path, requestOptions) => request('GET', path, requestOptions),
    post: (path, body, requestOptions) => request('POST', path, { ...requestOptions, body }),
    put: (path, body, requestOptions) => request('PUT', path, { ...requestOptions, body }),
    delete: (path, requestOptions) => request('DELETE', path, requestOptions),
  };
}

/** `path` with the defined query values appended. */
export function withQuery(path: string, query: RequestOptions['query']): string {
  if (query === undefined) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${text}`;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(response.status, 'WM_BAD_RESPONSE', 'The server sent JSON that could not be read.');
  }
}
