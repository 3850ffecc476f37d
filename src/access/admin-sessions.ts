import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../services/clock.js';

/** Name of the admin session cookie. */
export const ADMIN_SESSION_COOKIE = 'waymark_admin_session';
/** Header that must carry the session's CSRF token on changing requests. */
export const CSRF_HEADER = 'x-csrf-token';
/** A session lasts at most this long after sign-in. */
export const ADMIN_SESSION_LIFETIME_MS = 8 * 60 * 60_000;

/** A signed-in admin session as the browser sees it. */
export interface AdminSessionInfo {
  readonly csrfToken: string;
  readonly expiresAt: string;
}

interface SessionRecord {
  readonly csrfToken: string;
  readonly expiresAt: number;
  /** The admin password the session was signed in with (a digest of its stored hash). */
  readonly passwordStamp: string | null;
}

const MAX_SESSIONS = 1000;

/**
 * Admin sessions, kept in memory only: a restart signs everyone out, and the session ids never
 * reach the database. Sessions are looked up by a hash of their id, so even a heap dump does not
 * hold a usable cookie value. Each session remembers which admin password it was signed in with
 * (its `passwordStamp`), so a session of an older password can be told apart and ended.
 */
export class AdminSessionStore {
  private readonly sessions = new Map<string, SessionRecord>();

  constructor(private readonly clock: Clock) {}

  /**
   * Starts a session signed in with the admin password whose stamp is `passwordStamp`
   * (`SettingsService.adminPasswordStamp`); returns the cookie value and what the browser may know.
   */
  create(passwordStamp: string | null): { sessionId: string; info: AdminSessionInfo } {
    this.prune();
    const sessionId = randomBytes(32).toString('base64url');
    const record: SessionRecord = {
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: this.clock.now().getTime() + ADMIN_SESSION_LIFETIME_MS,
      passwordStamp,
    };
    this.sessions.set(hashId(sessionId), record);
    if (this.sessions.size > MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    return { sessionId, info: toInfo(record) };
  }

  /**
   * The live session with this cookie value, or null. A session signed in with another admin
   * password than the current one (`currentPasswordStamp`) has ended: it is removed and null returned.
   */
  find(sessionId: string, currentPasswordStamp: string | null): AdminSessionInfo | null {
    const key = hashId(sessionId);
    const record = this.sessions.get(key);
    if (record === undefined) return null;
    if (record.expiresAt <= this.clock.now().getTime() || record.passwordStamp !== currentPasswordStamp) {
      this.sessions.delete(key);
      return null;
    }
    return toInfo(record);
  }

  /**
   * Ends every session after the admin password changed to the one stamped `newPasswordStamp`,
   * except `keepSessionId` (the session that made the change), which goes on with the new password.
   */
  endAllAfterPasswordChange(newPasswordStamp: string | null, keepSessionId?: string): void {
    const keptKey = keepSessionId === undefined ? undefined : hashId(keepSessionId);
    const kept = keptKey === undefined ? undefined : this.sessions.get(keptKey);
    this.sessions.clear();
    if (keptKey !== undefined && kept !== undefined && kept.expiresAt > this.clock.now().getTime()) {
      this.sessions.set(keptKey, { ...kept, passwordStamp: newPasswordStamp });
    }
  }

  /** How many sessions are held (live or not yet pruned). */
  get size(): number {
    return this.sessions.size;
  }

  /** Ends a session. */
  delete(sessionId: string): void {
    this.sessions.delete(hashId(sessionId));
  }

  private prune(): void {
    const now = this.clock.now().getTime();
    for (const [key, record] of this.sessions) if (record.expiresAt <= now) this.sessions.delete(key);
  }
}

function hashId(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('base64url');
}

function toInfo(record: SessionRecord): AdminSessionInfo {
  return { csrfToken: record.csrfToken, expiresAt: new Date(record.expiresAt).toISOString() };
}

/** Reads one cookie from a Cookie header (no dependency needed for one name). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return null;
}

/** Parses `Authorization: Basic …` into user and password; null when absent or malformed. */
export function parseBasicAuthorization(header: string | undefined): { user: string; password: string } | null {
  if (header === undefined) return null;
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (match === null || match[1] === undefined) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return null;
  return { user: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}
