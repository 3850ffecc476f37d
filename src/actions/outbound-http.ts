/**
 * Outbound HTTP for actions and callback servers: only to allowed hosts, with a timeout, a
 * response-size limit, and redirects followed only to allowed hosts.
 */
import { WaymarkError } from '../errors/index.js';

/** Default limit on a response body: 1 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
/** Default timeout of one request (all redirects included). */
export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;

/**
 * Which hosts outbound requests may reach: `host`, `host:port`, or `*.domain` (any subdomain),
 * compared case-insensitively. Empty: no host.
 */
export class HostAllowlist {
  private readonly sources: readonly string[];
  private readonly patterns: readonly { host: string; port: string | null }[];

  constructor(patterns: readonly string[]) {
    this.sources = patterns.map((p) => p.trim().toLowerCase()).filter((p) => p.length > 0);
    this.patterns = this.sources.map((p) => {
      // `[::1]:8080` and `host:8080`; a bare IPv6 address has more than one colon.
      const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(p);
      if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ?? null };
      const parts = p.split(':');
      return parts.length === 2 ? { host: parts[0]!, port: parts[1]! } : { host: p, port: null };
    });
  }

  /** Parses the comma-separated form of `WAYMARK_HTTP_ALLOWLIST`. */
  static parse(text: string | undefined | null): HostAllowlist {
    return new HostAllowlist((text ?? '').split(','));
  }

  /** A list allowing both lists' hosts. */
  with(other: HostAllowlist): HostAllowlist {
    return new HostAllowlist([...this.sources, ...other.sources]);
  }

  /** True when `url`'s host (and port) is allowed. */
  allows(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return this.patterns.some((pattern) => {
      if (pattern.port !== null && pattern.port !== port) return false;
      if (pattern.host.startsWith('*.')) return host.endsWith(pattern.host.slice(1));
      return pattern.host === host;
    });
  }
}

/** The refusal for a host that is not allowed, saying how to allow it. */
export function hostNotAllowed(url: URL): WaymarkError<'WM_ACTION_FAILED'> {
  const hostText = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  return new WaymarkError(
    'WM_ACTION_FAILED',
    `Host ${hostText} is not in the outbound allowlist; set WAYMARK_HTTP_ALLOWLIST=${hostText} to allow it`,
    { host: hostText },
  );
}

/** One outbound request. */
export interface OutboundRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  /** Hosts the request (and its redirects) may reach. */
  readonly allowlist: HostAllowlist;
  /** Says what is being done, for error messages (`HTTPRequest`, `Callback server … executeaction`). */
  readonly purpose: string;
}

/** An answer read in full (within the size limit). */
export interface OutboundResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly url: string;
}

function failure(message: string, context: Record<string, unknown>, cause?: unknown): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', message, context, cause === undefined ? undefined : { cause });
}

/** Sends a request within the limits; throws WM_ACTION_FAILED (naming `purpose`) when it cannot. */
export async function sendOutbound(request: OutboundRequest): Promise<OutboundResponse> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch (error) {
    throw failure(`${request.purpose}: '${request.url}' is not a valid URL`, { url: request.url }, error);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw failure(`${request.purpose}: only http and https URLs are allowed, not '${url.protocol}'`, { url: request.url });
  }
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const signal = AbortSignal.timeout(timeoutMs);
  let method = request.method;
  let body = request.body;
  for (let redirects = 0; ; redirects += 1) {
    if (!request.allowlist.allows(url)) throw hostNotAllowed(url);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        redirect: 'manual',
        signal,
        ...(request.headers ? { headers: request.headers } : {}),
        ...(body === undefined || method === 'GET' ? {} : { body }),
      });
    } catch (error) {
      if (signal.aborted) throw failure(`${request.purpose}: no answer from ${url.origin} within ${timeoutMs} ms`, { url: url.href, timeoutMs }, error);
      const reason = (error as { cause?: { code?: string; message?: string } }).cause;
      throw failure(`${request.purpose}: cannot reach ${url.origin} (${reason?.code ?? reason?.message ?? (error as Error).message})`, { url: url.href }, error);
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      await response.body?.cancel();
      if (redirects >= MAX_REDIRECTS) throw failure(`${request.purpose}: more than ${MAX_REDIRECTS} redirects from ${request.url}`, { url: request.url });
      url = new URL(response.headers.get('location')!, url);
      // 303 (and, as browsers do, 301/302 after POST) turn into GET.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    const text = await readLimited(response, maxBytes, request.purpose, url, timeoutMs, signal);
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text, url: url.href };
  }
}

async function readLimited(response: Response, maxBytes: number, purpose: string, url: URL, timeoutMs: number, signal: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw failure(`${purpose}: the answer from ${url.origin} is larger than ${maxBytes} bytes`, { url: url.href, maxBytes });
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        await response.body.cancel().catch(() => {});
        throw failure(`${purpose}: the answer from ${url.origin} is larger than ${maxBytes} bytes`, { url: url.href, maxBytes });
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof WaymarkError) throw error;
    if (signal.aborted) throw failure(`${purpose}: no answer from ${url.origin} within ${timeoutMs} ms`, { url: url.href, timeoutMs }, error);
    throw failure(`${purpose}: the answer from ${url.origin} broke off (${(error as Error).message})`, { url: url.href }, error);
  }
  return Buffer.concat(chunks).toString('utf8');
}
