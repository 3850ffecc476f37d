/**
 * Outbound HTTP for actions, webhooks and callback servers: only to allowed hosts and addresses
 * (host-allowlist.ts), with a timeout, a response-size limit, and redirects followed only when
 * they pass the same checks.
 *
 * The address is checked where it is used: the request's `lookup` hook resolves the name, drops
 * every address the allowlist refuses and hands only the rest to the socket, so the address
 * checked is the address connected to (no second DNS answer in between to rebind the name). Each
 * request has its own connection (`agent: false`): a pooled socket opened under another list
 * would skip the check.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { WaymarkError } from '../errors/index.js';
import { HostAllowlist, hostNotAllowed } from './host-allowlist.js';

export { HostAllowlist, hostNotAllowed };

/** Default limit on a response body: 1 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
/** Default timeout of one request (all redirects included). */
export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;

/** One address a host name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to its addresses (tests inject one; the default asks the system, as `dns.lookup`). */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS). */
export const systemResolver: HostResolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })));
    });
  });

/** One outbound request. */
export interface OutboundRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  /** Hosts and addresses the request (and its redirects) may reach. */
  readonly allowlist: HostAllowlist;
  /** Says what is being done, for error messages (`HTTPRequest`, `Callback server … executeaction`). */
  readonly purpose: string;
  /** Resolves host names; default {@link systemResolver}. */
  readonly resolveHost?: HostResolver;
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

/**
 * The socket's `lookup`: resolves `url`'s host and passes on only the addresses the allowlist lets
 * this URL reach; none left is the first refusal. Literal IP hosts never come here (checked before).
 */
function checkedLookup(url: URL, allowlist: HostAllowlist, resolveHost: HostResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolveHost(hostname).then(
      (addresses) => {
        const family = options.family === 4 || options.family === 6 ? options.family : null;
        const candidates = addresses.filter((a) => family === null || a.family === family);
        const allowed = candidates.filter((a) => allowlist.refusesAddress(url, a.address) === null);
        const first = allowed[0];
        if (first === undefined) {
          const refusal = candidates[0] === undefined ? null : allowlist.refusesAddress(url, candidates[0].address);
          const error = refusal ?? failure(`Host ${url.hostname} resolves to no address`, { host: url.hostname });
          callback(error as NodeJS.ErrnoException, '', 4);
        } else if (options.all) {
          callback(null, allowed.map((a): LookupAddress => ({ address: a.address, family: a.family })));
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };
}

/** Sends one request and waits for the answer's head. */
function exchange(url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal, lookup: LookupFunction): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, { method, headers, signal, lookup, agent: false }, resolve);
    request.on('error', reject);
    request.end(body);
  });
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
  const resolveHost = request.resolveHost ?? systemResolver;
  const signal = AbortSignal.timeout(timeoutMs);
  let method = request.method;
  let body = request.body;
  for (let redirects = 0; ; redirects += 1) {
    if (!request.allowlist.allows(url)) throw hostNotAllowed(url);
    // A literal address is connected to without a lookup, so it is checked here.
    const literal = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : /^[\d.]+$/.test(url.hostname) ? url.hostname : null;
    const literalRefusal = literal === null ? null : request.allowlist.refusesAddress(url, literal);
    if (literalRefusal) throw literalRefusal;
    const headers: Record<string, string> = { 'user-agent': 'Waymark', ...request.headers };
    const sent = body === undefined || method === 'GET' ? undefined : body;
    if (sent !== undefined) headers['content-length'] = String(Buffer.byteLength(sent));
    let response: IncomingMessage;
    try {
      response = await exchange(url, method, headers, sent, signal, checkedLookup(url, request.allowlist, resolveHost));
    } catch (error) {
      if (error instanceof WaymarkError) throw error;
      if (signal.aborted) throw failure(`${request.purpose}: no answer from ${url.origin} within ${timeoutMs} ms`, { url: url.href, timeoutMs }, error);
      const code = (error as NodeJS.ErrnoException).code;
      throw failure(`${request.purpose}: cannot reach ${url.origin} (${code ?? (error as Error).message})`, { url: url.href }, error);
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location !== undefined) {
      response.destroy();
      if (redirects >= MAX_REDIRECTS) throw failure(`${request.purpose}: more than ${MAX_REDIRECTS} redirects from ${request.url}`, { url: request.url });
      try {
        url = new URL(location, url);
      } catch (error) {
        throw failure(`${request.purpose}: ${url.origin} redirected to '${location}', which is not a valid URL`, { url: url.href }, error);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw failure(`${request.purpose}: redirected to a '${url.protocol}' URL; only http and https are allowed`, { url: url.href });
      // 303 (and, as browsers do, 301/302 after POST) turn into GET.
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    const text = await readLimited(response, maxBytes, request.purpose, url, timeoutMs, signal);
    return { status, contentType: response.headers['content-type'] ?? '', body: text, url: url.href };
  }
}

async function readLimited(response: IncomingMessage, maxBytes: number, purpose: string, url: URL, timeoutMs: number, signal: AbortSignal): Promise<string> {
  const tooLarge = (): WaymarkError<'WM_ACTION_FAILED'> => failure(`${purpose}: the answer from ${url.origin} is larger than ${maxBytes} bytes`, { url: url.href, maxBytes });
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        response.destroy();
        throw tooLarge();
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
