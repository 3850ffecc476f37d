/**
 * The security headers of every answer, and the Content-Security-Policy of each kind of answer,
 * kept in one place (docs/security.md, "Security headers").
 *
 * helmet supplies the headers. It is built once: @fastify/helmet builds helmet's middleware anew
 * on every request (about 18 µs each, against 0.5 µs for middleware built once), which the Workflow
 * API's hot path should not pay. The headers helmet sets do not depend on the request, so they are
 * taken from it once at start-up and added to each answer as they are.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * JSON and every other answer that is not a page: nothing may load, nothing may frame it. The
 * strictest policy, so an API answer opened in a browser can do nothing.
 */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * HTML pages of the admin panel (`/admin…`): a React app whose scripts, styles, fonts and images
 * come from this origin only. Inline styles are allowed because the diagram and editor libraries
 * set them; inline scripts are not.
 */
export const ADMIN_PANEL_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/**
 * Other HTML pages (`/docs`, the API documents' pages, task-link pages): self-contained, with an
 * inline `<style>` and, on task pages, forms that post back to their own link. No scripts at all.
 */
export const PAGE_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Files handed out for download (a scheme's stored XML): opened in a browser they run nothing, as
 * a sandboxed document of no origin.
 */
export const DOWNLOAD_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox";

/** Where the admin panel is served; its HTML pages get {@link ADMIN_PANEL_CONTENT_SECURITY_POLICY}. */
export const ADMIN_PANEL_PATH = '/admin';

/** What the headers depend on. */
export interface SecurityHeaderOptions {
  /** The public URL: Strict-Transport-Security is sent only when it is https. */
  readonly publicUrl: string | null;
}

/**
 * The headers helmet sets on every answer, Content-Security-Policy aside (it depends on the answer):
 * nosniff, `Referrer-Policy: no-referrer` (task links and the Workflow API may carry a token in the
 * URL), `X-Frame-Options: DENY`, the cross-origin isolation headers, and HSTS behind https.
 */
export function staticSecurityHeaders(options: SecurityHeaderOptions): Readonly<Record<string, string>> {
  const https = options.publicUrl?.startsWith('https:') === true;
  const settings: HelmetOptions = {
    contentSecurityPolicy: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: 365 * 24 * 60 * 60, includeSubDomains: false } : false,
  };
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  // helmet's middleware only sets and removes headers, whatever the request: run it once.
  helmet(settings)({} as never, recorder as never, () => {});
  return Object.freeze(headers);
}

/** The Content-Security-Policy for an answer of this content type to this path. */
export function contentSecurityPolicyFor(path: string, contentType: string | undefined): string {
  if (contentType === undefined || !contentType.toLowerCase().startsWith('text/html')) return API_CONTENT_SECURITY_POLICY;
  const isAdminPage = path === ADMIN_PANEL_PATH || path.startsWith(`${ADMIN_PANEL_PATH}/`) || path.startsWith(`${ADMIN_PANEL_PATH}?`);
  return isAdminPage ? ADMIN_PANEL_CONTENT_SECURITY_POLICY : PAGE_CONTENT_SECURITY_POLICY;
}

/**
 * Adds the security headers to every answer of `app`, its plugins included (register it before
 * them): the static ones, and a Content-Security-Policy chosen by the answer's content type and
 * path unless the route set its own (a download sets {@link DOWNLOAD_CONTENT_SECURITY_POLICY}).
 */
export function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
  const headers = staticSecurityHeaders(options);
  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
    reply.headers(headers);
    if (!reply.hasHeader('content-security-policy')) {
      const contentType = reply.getHeader('content-type');
      reply.header('content-security-policy', contentSecurityPolicyFor(request.url, typeof contentType === 'string' ? contentType : undefined));
    }
    done(null, payload);
  });
}

/**
 * Marks an answer as a file to save, never to show: `Content-Disposition: attachment` with the file
 * name, and {@link DOWNLOAD_CONTENT_SECURITY_POLICY} (a sandbox) should a browser open it anyway.
 */
export function sendAsDownload(reply: FastifyReply, fileName: string): FastifyReply {
  const asciiName = fileName.replace(/[^A-Za-z0-9._-]/g, '_');
  return reply
    .header('content-disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .header('content-security-policy', DOWNLOAD_CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff');
}
