import { randomBytes } from 'node:crypto';
import { WaymarkError } from '../errors/index.js';
import { hashPassword, verifyPassword } from '../services/passwords.js';
import type { Clock } from '../services/clock.js';
import { systemClock } from '../services/clock.js';
import type { Store } from '../store/store.js';
import { SigningKeyRing } from '../identity/signing-keys.js';

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

/** A fresh random secret (URL-safe, 256 bits unless told otherwise). */
export function generateSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * The access settings kept in the database: the Workflow API access token, the OpenID Connect
 * switch, the admin password (scrypt hash) and, through {@link SigningKeyRing}, the signing keys.
 * Read on every use, so a change made by the CLI applies to a running server at once.
 */
export class SettingsService {
  /** The identity server's signing keys. */
  readonly signingKeys: SigningKeyRing;

  constructor(
    private readonly store: Store,
    clock: Clock = systemClock,
  ) {
    this.signingKeys = new SigningKeyRing(store, clock);
  }

  /** The Workflow API access token, or null when the API is open. */
  async getApiToken(): Promise<string | null> {
    const token = await this.store.getSetting<string>(ACCESS_SETTINGS.apiToken);
    return typeof token === 'string' && token !== '' ? token : null;
  }

  /**
   * Sets the API access token; null (or an empty string) opens the API.
   * @throws WaymarkError WM_INPUT_INVALID for a token that is too short, too long or has spaces or
   *   control characters, and when clearing it while OpenID Connect mode is on.
   */
  async setApiToken(token: string | null): Promise<void> {
    if (token === null || token === '') {
      if (await this.isOidcEnabled()) {
        throw new WaymarkError('WM_INPUT_INVALID', 'The API access token cannot be cleared while "Use OpenID Connect for token access" is on; turn that off first.');
      }
      await this.store.setSetting(ACCESS_SETTINGS.apiToken, null);
      return;
    }
    if (token.length < MIN_API_TOKEN_LENGTH || token.length > MAX_API_TOKEN_LENGTH) {
      throw new WaymarkError('WM_INPUT_INVALID', `The API access token must be ${MIN_API_TOKEN_LENGTH} to ${MAX_API_TOKEN_LENGTH} characters long (it has ${token.length}).`);
    }
    if (!/^[\x21-\x7e]+$/.test(token)) {
      throw new WaymarkError('WM_INPUT_INVALID', 'The API access token may contain only visible ASCII characters (no spaces).');
    }
    await this.store.setSetting(ACCESS_SETTINGS.apiToken, token);
  }

  /** True when "Use OpenID Connect for token access" is on. */
  async isOidcEnabled(): Promise<boolean> {
    return (await this.store.getSetting<boolean>(ACCESS_SETTINGS.oidcEnabled)) === true;
  }

  /**
   * Turns OpenID Connect token access on or off.
   * @throws WaymarkError WM_INPUT_INVALID when turning it on while no API access token is set.
   */
  async setOidcEnabled(enabled: boolean): Promise<void> {
    if (enabled && (await this.getApiToken()) === null) {
      throw new WaymarkError('WM_INPUT_INVALID', '"Use OpenID Connect for token access" needs an API access token: set the token first.');
    }
    await this.store.setSetting(ACCESS_SETTINGS.oidcEnabled, enabled);
  }

  /** True when an admin password is set. */
  async hasAdminPassword(): Promise<boolean> {
    return (await this.store.getSetting<string>(ACCESS_SETTINGS.adminPasswordHash)) !== null;
  }

  /**
   * Sets the admin password (stored as an scrypt hash).
   * @throws WaymarkError WM_INPUT_INVALID for a password shorter than 8 characters.
   */
  async setAdminPassword(password: string): Promise<void> {
    if (password.length < MIN_ADMIN_PASSWORD_LENGTH || password.length > MAX_ADMIN_PASSWORD_LENGTH) {
      throw new WaymarkError('WM_INPUT_INVALID', `The admin password must be ${MIN_ADMIN_PASSWORD_LENGTH} to ${MAX_ADMIN_PASSWORD_LENGTH} characters long.`);
    }
    await this.store.setSetting(ACCESS_SETTINGS.adminPasswordHash, await hashPassword(password));
  }

  /** Checks the admin password in constant time; false when none is set. */
  async verifyAdminPassword(password: string): Promise<boolean> {
    const hash = await this.store.getSetting<string>(ACCESS_SETTINGS.adminPasswordHash);
    if (typeof hash !== 'string' || password.length > MAX_ADMIN_PASSWORD_LENGTH) return false;
    return verifyPassword(password, hash);
  }

  /** The server-side salt of API-token fingerprints in access tokens (created on first use). */
  async tokenBindingSalt(): Promise<string> {
    const salt = await this.store.getSetting<string>(ACCESS_SETTINGS.tokenBindingSalt);
    if (typeof salt === 'string' && salt !== '') return salt;
    const created = generateSecret();
    await this.store.setSetting(ACCESS_SETTINGS.tokenBindingSalt, created);
    return created;
  }

  /** Issuer URLs tokens were issued under (used when no public URL is configured). */
  async knownIssuers(): Promise<string[]> {
    const issuers = await this.store.getSetting<string[]>(ACCESS_SETTINGS.knownIssuers);
    return Array.isArray(issuers) ? issuers.filter((issuer): issuer is string => typeof issuer === 'string') : [];
  }

  /** Remembers an issuer URL a token was issued under (the most recent few are kept). */
  async rememberIssuer(issuer: string): Promise<void> {
    const issuers = await this.knownIssuers();
    if (issuers[0] === issuer) return;
    const updated = [issuer, ...issuers.filter((known) => known !== issuer)].slice(0, MAX_KNOWN_ISSUERS);
    await this.store.setSetting(ACCESS_SETTINGS.knownIssuers, updated);
  }
}
