import { createHash, randomBytes } from 'node:crypto';
import { WaymarkError } from '../errors/index.js';
import { hashPassword, verifyPassword } from '../services/passwords.js';
import type { JsonValue } from '../engine/types.js';
import type { Clock } from '../services/clock.js';
import { isWithin, systemClock } from '../services/clock.js';
import type { SettingsStore } from '../store/store.js';
import { SIGNING_KEYS_SETTING, SigningKeyRing } from './signing-keys.js';

/** Settings keys of the access area (values are JSON in the store's settings table). */
export const ACCESS_SETTINGS = {
  apiToken: 'access.apiToken',
  oidcEnabled: 'access.oidcEnabled',
  adminPasswordHash: 'access.adminPasswordHash',
  tokenBindingSalt: 'identity.tokenBindingSalt',
  knownIssuers: 'identity.knownIssuers',
} as const;

/** The user name of HTTP Basic admin credentials. */
export const ADMIN_USER_NAME = 'admin';

const MIN_API_TOKEN_LENGTH = 16;
const MAX_API_TOKEN_LENGTH = 512;
const MIN_ADMIN_PASSWORD_LENGTH = 8;
const MAX_ADMIN_PASSWORD_LENGTH = 1024;
const MAX_KNOWN_ISSUERS = 20;

/**
 * How long (ms, by the service's clock) a value of a setting read on every Workflow API call — the
 * API token, the OpenID Connect switch, the token-binding salt, the issuers seen, and the signing
 * keys that verify access tokens ({@link SigningKeyRing}) — is used before it is read again. A
 * change made through the same SettingsService applies at once, and so does one another node
 * announces ({@link SettingsService.forgetRecentReads}); one made elsewhere (the `waymark settings`
 * CLI, a node whose announcement was lost) applies within this time.
 */
export const ACCESS_SETTINGS_MAX_AGE_MS = 1000;

/** Options of {@link SettingsService}. */
export interface SettingsServiceOptions {
  /** See {@link ACCESS_SETTINGS_MAX_AGE_MS} (the default; its signing keys use it too); 0 reads the store on every use. */
  readonly maxAgeMs?: number;
}

/** A setting's value as read (or being read) at `readAt`. */
interface RecentRead {
  readonly value: Promise<JsonValue | null>;
  readonly readAt: number;
  /** The value, once the read has finished: callers that can go on without waiting use it. */
  finished?: { readonly value: JsonValue | null };
}

/** A fresh random secret (URL-safe, 256 bits unless told otherwise). */
export function generateSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * The access settings kept in the database: the Workflow API access token, the OpenID Connect
 * switch, the admin password (scrypt hash) and, through {@link SigningKeyRing}, the signing keys.
 * The settings every Workflow API call needs are kept in memory for at most
 * {@link ACCESS_SETTINGS_MAX_AGE_MS}: a write through this service applies to the next call, a change
 * made elsewhere (the CLI, another node) within that time, or at once when it is announced
 * ({@link forgetRecentReads}). The admin password is read on every use.
 */
export class SettingsService {
  /** The identity server's signing keys. */
  readonly signingKeys: SigningKeyRing;
  private readonly maxAgeMs: number;
  private readonly recentReads = new Map<string, RecentRead>();

  constructor(
    private readonly settings: SettingsStore,
    private readonly clock: Clock = systemClock,
    options: SettingsServiceOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? ACCESS_SETTINGS_MAX_AGE_MS;
    this.signingKeys = new SigningKeyRing(settings, clock, { maxAgeMs: this.maxAgeMs });
  }

  /** The Workflow API access token, or null when the API is open. */
  async getApiToken(): Promise<string | null> {
    return apiTokenFrom(await this.recentSetting<string>(ACCESS_SETTINGS.apiToken));
  }

  /**
   * What {@link getApiToken} would answer, when it is known without waiting (a read of it finished
   * within the last `maxAgeMs`); undefined otherwise. The per-request access check uses it.
   */
  knownApiToken(): string | null | undefined {
    const known = this.finishedRecentRead(ACCESS_SETTINGS.apiToken);
    return known === undefined ? undefined : apiTokenFrom(known.value as string | null);
  }

  /**
   * Sets the API access token; null (or an empty string) opens the API.
   * @throws WaymarkError WM_INPUT_INVALID for a token that is too short, too long or has spaces or
   *   control characters, and when clearing it while OpenID Connect mode is on.
   */
  async setApiToken(token: string | null): Promise<void> {
    if (token === null || token === '') {
      // The rule is checked against the stored value, not a value up to a second old.
      if ((await this.settings.getSetting<boolean>(ACCESS_SETTINGS.oidcEnabled)) === true) {
        throw new WaymarkError('WM_INPUT_INVALID', 'The API access token cannot be cleared while "Use OpenID Connect for token access" is on; turn that off first.');
      }
      await this.write(ACCESS_SETTINGS.apiToken, null);
      return;
    }
    if (token.length < MIN_API_TOKEN_LENGTH || token.length > MAX_API_TOKEN_LENGTH) {
      throw new WaymarkError('WM_INPUT_INVALID', `The API access token must be ${MIN_API_TOKEN_LENGTH} to ${MAX_API_TOKEN_LENGTH} characters long (it has ${token.length}).`);
    }
    if (!/^[\x21-\x7e]+$/.test(token)) {
      throw new WaymarkError('WM_INPUT_INVALID', 'The API access token may contain only visible ASCII characters (no spaces).');
    }
    await this.write(ACCESS_SETTINGS.apiToken, token);
  }

  /** True when "Use OpenID Connect for token access" is on. */
  async isOidcEnabled(): Promise<boolean> {
    return (await this.recentSetting<boolean>(ACCESS_SETTINGS.oidcEnabled)) === true;
  }

  /** What {@link isOidcEnabled} would answer, when it is known without waiting (see {@link knownApiToken}). */
  knownOidcEnabled(): boolean | undefined {
    const known = this.finishedRecentRead(ACCESS_SETTINGS.oidcEnabled);
    return known === undefined ? undefined : known.value === true;
  }

  /**
   * Turns OpenID Connect token access on or off.
   * @throws WaymarkError WM_INPUT_INVALID when turning it on while no API access token is set.
   */
  async setOidcEnabled(enabled: boolean): Promise<void> {
    if (enabled && apiTokenFrom(await this.settings.getSetting<string>(ACCESS_SETTINGS.apiToken)) === null) {
      throw new WaymarkError('WM_INPUT_INVALID', '"Use OpenID Connect for token access" needs an API access token: set the token first.');
    }
    await this.write(ACCESS_SETTINGS.oidcEnabled, enabled);
  }

  /** True when an admin password is set. */
  async hasAdminPassword(): Promise<boolean> {
    return (await this.settings.getSetting<string>(ACCESS_SETTINGS.adminPasswordHash)) !== null;
  }

  /**
   * Sets the admin password (stored as an scrypt hash).
   * @throws WaymarkError WM_INPUT_INVALID for a password shorter than 8 characters.
   */
  async setAdminPassword(password: string): Promise<void> {
    if (password.length < MIN_ADMIN_PASSWORD_LENGTH || password.length > MAX_ADMIN_PASSWORD_LENGTH) {
      throw new WaymarkError('WM_INPUT_INVALID', `The admin password must be ${MIN_ADMIN_PASSWORD_LENGTH} to ${MAX_ADMIN_PASSWORD_LENGTH} characters long.`);
    }
    await this.settings.setSetting(ACCESS_SETTINGS.adminPasswordHash, await hashPassword(password));
  }

  /**
   * A stamp of the current admin password (a SHA-256 of its stored hash), or null when none is
   * set. Sessions remember the stamp they signed in with: a different stamp means the password
   * changed since, wherever it was changed (this server, another node, the CLI).
   */
  async adminPasswordStamp(): Promise<string | null> {
    const hash = await this.settings.getSetting<string>(ACCESS_SETTINGS.adminPasswordHash);
    return typeof hash === 'string' ? createHash('sha256').update(hash, 'utf8').digest('base64url') : null;
  }

  /** Checks the admin password in constant time; false when none is set. */
  async verifyAdminPassword(password: string): Promise<boolean> {
    const hash = await this.settings.getSetting<string>(ACCESS_SETTINGS.adminPasswordHash);
    if (typeof hash !== 'string' || password.length > MAX_ADMIN_PASSWORD_LENGTH) return false;
    return verifyPassword(password, hash);
  }

  /** The server-side salt of API-token fingerprints in access tokens (created on first use). */
  async tokenBindingSalt(): Promise<string> {
    const salt = await this.recentSetting<string>(ACCESS_SETTINGS.tokenBindingSalt);
    if (typeof salt === 'string' && salt !== '') return salt;
    const created = generateSecret();
    await this.write(ACCESS_SETTINGS.tokenBindingSalt, created);
    return created;
  }

  /** Issuer URLs tokens were issued under (used when no public URL is configured). */
  async knownIssuers(): Promise<string[]> {
    return issuersFrom(await this.recentSetting<string[]>(ACCESS_SETTINGS.knownIssuers));
  }

  /** Remembers an issuer URL a token was issued under (the most recent few are kept). */
  async rememberIssuer(issuer: string): Promise<void> {
    // The stored list, so an issuer another node added within the last second is kept.
    const issuers = issuersFrom(await this.settings.getSetting<string[]>(ACCESS_SETTINGS.knownIssuers));
    if (issuers[0] === issuer) return;
    const updated = [issuer, ...issuers.filter((known) => known !== issuer)].slice(0, MAX_KNOWN_ISSUERS);
    await this.write(ACCESS_SETTINGS.knownIssuers, updated);
  }

  /**
   * Forgets what was read of the setting `key` — of every setting, the signing keys included, when
   * no key is given — so the next use reads the store: for a change another node announces.
   */
  forgetRecentReads(key?: string): void {
    if (key === undefined) this.recentReads.clear();
    else this.recentReads.delete(key);
    if (key === undefined || key === SIGNING_KEYS_SETTING) this.signingKeys.forgetVerificationKeys();
  }

  /**
   * The setting's value, read at most `maxAgeMs` ago. Concurrent callers share one read. The age
   * counts from when the read began, so a change stored before that is never hidden longer than
   * `maxAgeMs`; a clock that went backwards counts as expired.
   */
  private recentSetting<T extends JsonValue>(key: string): Promise<T | null> {
    const now = this.clock.now().getTime();
    const recent = this.recentReads.get(key);
    if (recent !== undefined && isWithin(recent.readAt, now, this.maxAgeMs)) return recent.value as Promise<T | null>;
    const value = this.settings.getSetting<T>(key);
    const read: RecentRead = { value, readAt: now };
    this.recentReads.set(key, read);
    value.then(
      (finished) => {
        read.finished = { value: finished };
      },
      () => {
        if (this.recentReads.get(key) === read) this.recentReads.delete(key);
      },
    );
    return value;
  }

  /** The finished read of `key` begun less than `maxAgeMs` ago, if there is one (no read is started). */
  private finishedRecentRead(key: string): { readonly value: JsonValue | null } | undefined {
    const recent = this.recentReads.get(key);
    if (recent?.finished === undefined || !isWithin(recent.readAt, this.clock.now().getTime(), this.maxAgeMs)) return undefined;
    return recent.finished;
  }

  /**
   * Stores a setting and forgets what was read of it. Forgetting only after the write has finished
   * also drops a read that began while the write was under way (it may have seen the old value).
   */
  private async write(key: string, value: JsonValue | null): Promise<void> {
    try {
      await this.settings.setSetting(key, value);
    } finally {
      this.recentReads.delete(key);
    }
  }
}

function apiTokenFrom(stored: string | null): string | null {
  return typeof stored === 'string' && stored !== '' ? stored : null;
}

function issuersFrom(stored: string[] | null): string[] {
  return Array.isArray(stored) ? stored.filter((issuer): issuer is string => typeof issuer === 'string') : [];
}
