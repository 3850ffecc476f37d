/**
 * The admin session as the panel keeps it: the CSRF token in memory (the session cookie itself is
 * HttpOnly, so scripts never see it), and a flag in localStorage saying this browser signed in.
 * The flag tells a lost session (show "your session has ended") from a first visit (show
 * nothing), and spares a first visit the session check: without it the panel goes straight to
 * the sign-in page instead of asking the server (whose 401 the browser would log as an error).
 */
import type { ApiClient } from './client';

/** What `POST /admin/login` and `GET /admin/session` answer. */
export interface SessionInfo {
  readonly authenticated: true;
  readonly csrfToken: string;
  /** ISO time at which the session ends. */
  readonly expiresAt: string;
}

/** Why the sign-in page is shown; it picks the message. */
export type SignInReason = 'expired' | 'signed-out';

const SIGNED_IN_FLAG = 'waymark.signedIn';

/** Holds the current session's CSRF token. */
export class SessionState {
  private csrf: string | null = null;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null) {}

  /** The CSRF token to send with changes, or null when signed out. */
  csrfToken(): string | null {
    return this.csrf;
  }

  /** True when this browser signed in and has not signed out since (the session may have ended). */
  maybeSignedIn(): boolean {
    return this.storage?.getItem(SIGNED_IN_FLAG) === '1';
  }

  /** Remembers a live session. */
  signedIn(info: SessionInfo): void {
    this.csrf = info.csrfToken;
    this.storage?.setItem(SIGNED_IN_FLAG, '1');
  }

  /**
   * Forgets the session. Returns true when this tab had been signed in, i.e. the session was
   * lost rather than never there.
   */
  signedOut(): boolean {
    this.csrf = null;
    const wasSignedIn = this.storage?.getItem(SIGNED_IN_FLAG) === '1';
    this.storage?.removeItem(SIGNED_IN_FLAG);
    return wasSignedIn;
  }
}

/** Sign-in, sign-out and the session check, over the admin sign-in routes. */
export class SessionApi {
  constructor(
    private readonly client: ApiClient,
    private readonly state: SessionState,
  ) {}

  /**
   * The live session, or null when there is none (never throws for a 401). Without the signed-in
   * flag it answers null without asking.
   */
  async current(): Promise<SessionInfo | null> {
    if (!this.state.maybeSignedIn()) return null;
    try {
      const info = await this.client.get<SessionInfo>('/admin/session', { unauthorizedIsError: true });
      this.state.signedIn(info);
      return info;
    } catch (error) {
      if (typeof error === 'object' && error !== null && (error as { status?: number }).status === 401) return null;
      throw error;
    }
  }

  /** Signs in; an ApiError (401 wrong password, 429 too many tries) otherwise. */
  async signIn(password: string): Promise<SessionInfo> {
    const info = await this.client.post<SessionInfo>('/admin/login', { password }, { unauthorizedIsError: true });
    this.state.signedIn(info);
    return info;
  }

  /** Signs out (the server clears the cookie). */
  async signOut(): Promise<void> {
    try {
      await this.client.post<void>('/admin/logout', undefined, { unauthorizedIsError: true });
    } finally {
      this.state.signedOut();
    }
  }
}
