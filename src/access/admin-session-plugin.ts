import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessControl } from './access-control.js';
import { refuse, refuseTooMany } from './access-control.js';
import { ADMIN_SESSION_COOKIE, ADMIN_SESSION_LIFETIME_MS, CSRF_HEADER, readCookie } from './admin-sessions.js';
import { secretsEqual } from './secret-compare.js';
import { ADMIN_USER_NAME } from './settings-service.js';

/**
 * Admin sign-in routes: `POST /admin/login` (JSON `{password}`, optionally `login: "admin"`) sets
 * the session cookie and returns the CSRF token; `GET /admin/session` returns it again while the
 * session lives; `POST /admin/logout` ends the session (CSRF header required while it lives).
 * Failed sign-ins count against the client address (429 with Retry-After past the limit).
 */
export function adminSessionPlugin(access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.post('/admin/login', async (request, reply) => {
      const limiter = access.limiters.adminPassword;
      const limited = limiter.retryAfterSeconds(request.ip);
      if (limited !== null) return refuseTooMany(reply, limited);
      const body = request.body as { login?: unknown; password?: unknown } | null | undefined;
      const login = body?.login ?? ADMIN_USER_NAME;
      const password = body?.password;
      if (typeof login !== 'string' || typeof password !== 'string' || password === '') {
        return refuse(reply, 400, 'WM_INPUT_MISSING', 'Send JSON {"password": "…"} to sign in.');
      }
      // Reserved before the scrypt check: parallel guesses past the limit never reach it.
      const retryAfter = limiter.reserveAttempt(request.ip);
      if (retryAfter !== null) return refuseTooMany(reply, retryAfter);
      // Read before the check: should the password change meanwhile, the session carries the old
      // stamp and ends at once, never the other way round.
      const passwordStamp = await access.settings.adminPasswordStamp();
      const valid = [secretsEqual(login, ADMIN_USER_NAME), await access.settings.verifyAdminPassword(password)].every(Boolean);
      if (!valid) {
        access.logger.info({ client: request.ip }, 'refused an admin sign-in');
        return refuse(reply, 401, 'WM_UNAUTHORIZED', 'The admin credentials are not valid.');
      }
      limiter.succeeded(request.ip);
      const previous = readCookie(request.headers.cookie, ADMIN_SESSION_COOKIE);
      if (previous !== null) access.sessions.delete(previous);
      const { sessionId, info } = access.sessions.create(passwordStamp);
      setSessionCookie(access, request, reply, sessionId, ADMIN_SESSION_LIFETIME_MS / 1000);
      access.logger.info({ client: request.ip }, 'admin signed in');
      return reply.header('cache-control', 'no-store').send({ authenticated: true, ...info });
    });

    app.get('/admin/session', async (request, reply) => {
      const session = await access.currentSession(request);
      if (session === null) return refuse(reply, 401, 'WM_UNAUTHORIZED', 'Not signed in.');
      return reply.header('cache-control', 'no-store').send({ authenticated: true, ...session.info });
    });

    app.post('/admin/logout', async (request, reply) => {
      const session = await access.currentSession(request);
      if (session !== null) {
        const csrf = request.headers[CSRF_HEADER];
        if (typeof csrf !== 'string' || !secretsEqual(csrf, session.info.csrfToken)) {
          return refuse(reply, 403, 'WM_FORBIDDEN', `Signing out needs the session's CSRF token in the ${CSRF_HEADER} header.`);
        }
        access.sessions.delete(session.sessionId);
      }
      setSessionCookie(access, request, reply, '', 0);
      return reply.code(204).send();
    });
  };
}

function setSessionCookie(access: AccessControl, request: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number): void {
  const secure = access.publicUrl !== null ? access.publicUrl.startsWith('https:') : request.protocol === 'https';
  const attributes = [`${ADMIN_SESSION_COOKIE}=${value}`, 'Path=/admin', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (secure) attributes.push('Secure');
  reply.header('set-cookie', attributes.join('; '));
}
