import type { Logger } from 'pino';
import { WaymarkError } from '../errors/index.js';
import type { Store } from '../store/store.js';
import { generateSecret, SettingsService } from './settings-service.js';

/** What {@link beginStartupSettings} leaves running. */
export interface StartupSettingsInProgress {
  /**
   * Settles once the first signing key is stored (true when this start created it, false when
   * one was there). Requests that need the key wait for it themselves (SigningKeyRing).
   */
  readonly signingKey: Promise<boolean>;
  /**
   * Settles once the admin password of this start (WAYMARK_ADMIN_PASSWORD, or the one generated
   * on a first start) is hashed and stored; at once when there is none to set. Rejects with
   * WM_INPUT_INVALID for a WAYMARK_ADMIN_PASSWORD that is too short or too long. Await it before
   * serving: until then the admin area would check sign-ins against the previous password.
   */
  readonly adminPassword: Promise<void>;
}

/**
 * Applies the access settings given in the environment at start-up, before the server listens:
 * `WAYMARK_API_TOKEN` (sets the API access token), `WAYMARK_API_OIDC=true|false` (the OpenID
 * Connect switch, after the token) and `WAYMARK_ADMIN_PASSWORD`. When no admin password exists
 * and none is given, one is generated and written to the log once — the only secret Waymark ever
 * logs, marked as such. Creates the first signing key too.
 * @throws WaymarkError WM_INPUT_INVALID / WM_CONFIG_INVALID for a value that cannot be applied.
 */
export async function applyStartupSettings(env: NodeJS.ProcessEnv, store: Store, logger: Logger): Promise<void> {
  const { signingKey, adminPassword } = await beginStartupSettings(env, store, logger);
  await Promise.all([signingKey, adminPassword]);
}

/**
 * {@link applyStartupSettings} without waiting for its slow parts, which run on libuv's thread
 * pool while the caller goes on (startServer builds the HTTP app): the first signing key (RSA,
 * 2048 bits: tens to hundreds of milliseconds of CPU) and the admin password's scrypt hash. The
 * API token and the OpenID Connect switch are stored when it resolves.
 * @throws WaymarkError WM_INPUT_INVALID / WM_CONFIG_INVALID for a token or switch that cannot be
 *   applied (after the work begun here has settled, so the store can be closed at once).
 */
export async function beginStartupSettings(env: NodeJS.ProcessEnv, store: Store, logger: Logger): Promise<StartupSettingsInProgress> {
  const settings = new SettingsService(store);
  // Started first so the key pair is being generated while the settings below are written.
  const signingKey = settings.signingKeys.ensureKey();
  // Handled here too, so a failure while the caller is busy elsewhere is not an unhandled
  // rejection (which ends the process); the caller still sees it when it awaits the promise.
  signingKey.catch(() => undefined);
  let adminPassword: Promise<void> = Promise.resolve();
  try {
    await applyTokenSettings(env, settings, logger);
    adminPassword = (await beginAdminPassword(env, settings, logger)).stored;
    adminPassword.catch(() => undefined);
  } catch (error) {
    await Promise.allSettled([signingKey, adminPassword]);
    throw error;
  }
  return { signingKey, adminPassword };
}

async function applyTokenSettings(env: NodeJS.ProcessEnv, settings: SettingsService, logger: Logger): Promise<void> {
  const apiToken = env.WAYMARK_API_TOKEN;
  if (apiToken !== undefined && apiToken !== '') {
    await settings.setApiToken(apiToken);
    logger.info('applied the API access token from WAYMARK_API_TOKEN');
  }
  const oidc = env.WAYMARK_API_OIDC;
  if (oidc !== undefined && oidc !== '') {
    const enabled = parseSwitch(oidc, 'WAYMARK_API_OIDC');
    await settings.setOidcEnabled(enabled);
    logger.info({ enabled }, 'applied WAYMARK_API_OIDC');
  }
}

/** Starts hashing and storing this start's admin password, if it sets one; `stored` settles when done. */
async function beginAdminPassword(env: NodeJS.ProcessEnv, settings: SettingsService, logger: Logger): Promise<{ stored: Promise<void> }> {
  const adminPassword = env.WAYMARK_ADMIN_PASSWORD;
  if (adminPassword !== undefined && adminPassword !== '') {
    return { stored: settings.setAdminPassword(adminPassword).then(() => logger.info('applied the admin password from WAYMARK_ADMIN_PASSWORD')) };
  }
  if (await settings.hasAdminPassword()) return { stored: Promise.resolve() };
  const generated = generateSecret(18);
  const stored = settings.setAdminPassword(generated).then(() => {
    // Printed as the message (not a field) because the logger redacts fields named like secrets.
    logger.warn(
      `FIRST START, SECRET SHOWN ONCE: the admin password is ${generated} (user "admin"). ` +
        'Store it now; change it with `waymark settings set admin-password`.',
    );
  });
  return { stored };
}

/** Reads true/false (also 1/0, yes/no, on/off). */
export function parseSwitch(value: string, source: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  throw new WaymarkError('WM_CONFIG_INVALID', `${source} must be true or false, not '${value}'.`, { source });
}
