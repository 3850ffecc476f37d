import type { FastifyRequest } from 'fastify';
import { isSecretKey, REDACTED } from '../logging/index.js';

/**
 * Replaces the values of secret-named query parameters (`token`, `client_secret`, `password`, …)
 * in a URL with `[Redacted]`. The Workflow API accepts its access token in the query string, so
 * request URLs must pass through this before they are logged.
 */
export function redactUrlSecrets(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const pairs = url.slice(mark + 1).split('&').map((pair) => {
    const separator = pair.indexOf('=');
    const rawName = separator < 0 ? pair : pair.slice(0, separator);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      // An undecodable name is checked as written.
    }
    return separator >= 0 && isSecretKey(name) ? `${rawName}=${encodeURIComponent(REDACTED)}` : pair;
  });
  return `${url.slice(0, mark)}?${pairs.join('&')}`;
}

/**
 * A fastify `req` log serializer that never shows secrets in the URL: pass it as
 * `serializers: { req: serializeRequestForLog }` to the logger or `Fastify({ … })`.
 */
export function serializeRequestForLog(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrlSecrets(request.url),
    host: request.host,
    remoteAddress: request.ip,
  };
}
