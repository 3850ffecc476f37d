import type { Logger } from 'pino';
import { WaymarkError } from '../errors/index.js';
import type { Store } from '../store/store.js';
import { generateSecret, SettingsService } from './settings-service.js';

/** What {@link beginStartupSettings} leaves running. */
export interface StartupSettingsInProgress {
  /**
   * Settles once the first signing key is stored (true when this start created it, false when
   * one was there). Serve nothing that signs or publishes keys before it has settled.
   */
  readonly signingKey: Promise<boolean>;
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
  const { signingKey } = await beginStartupSettings(env, store, logger);
  await signingKey;
}

/**
 * {@link applyStartupSettings} without waiting for the first signing key: the settings are applied
 * when it resolves, and the key is still being made. On a first start the RSA key (2048 bits, tens
 * to hundreds of milliseconds of CPU) is generated on libuv's thread pool, beside the admin
 * password's scrypt hash and whatever the caller does next (startServer builds the HTTP app), so
 * neither lengthens the start by its whole time. The caller awaits `signingKey` before it listens.
 * @throws WaymarkError WM_INPUT_INVALID / WM_CONFIG_INVALID for a value that cannot be applied
 *   (after the key generation begun here has settled, so the store can be closed at once).
 */
export async function beginStartupSettings(env: NodeJS.ProcessEnv, store: Store, logger: Logger): Promise<StartupSettingsInProgress> {
  const settings = new SettingsService(store);
  // Started first so the key pair is being generated while the settings below are written.
  const signingKey = settings.signingKeys.ensureKey();
  // Handled here too, so a failure while the caller is busy elsewhere is not an unhandled
  // rejection (which ends the process); the caller still sees it when it awaits `signingKey`.
  signingKey.catch(() => undefined);
  try {
    await applyEnvironmentSettings(env, settings, logger);
  } catch (error) {
    await signingKey.catch(() => undefined);
    throw error;
  }
  return { signingKey };
}

async function applyEnvironmentSettings(env: NodeJS.ProcessEnv, settings: SettingsService, logger: Logger): Promise<void> {
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
  const adminPassword = env.WAYMARK_ADMIN_PASSWORD;
  if (adminPassword !== undefined && adminPassword !== '') {
    await settings.setAdminPassword(adminPassword);
    logger.info('applied the admin password from WAYMARK_ADMIN_PASSWORD');
  } else if (!(await settings.hasAdminPassword())) {
    const generated = generateSecret(18);
    await settings.setAdminPassword(generated);
    // Printed as the message (not a field) because the logger redacts fields named like secrets.
    logger.warn(
      `FIRST START, SECRET SHOWN ONCE: the admin password is ${generated} (user "admin"). ` +
        'Store it now; change it with `waymark settings set admin-password`.',
    );
  }
}

/** Reads true/false (also 1/0, yes/no, on/off). */
export function parseSwitch(value: string, source: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  throw new WaymarkError('WM_CONFIG_INVALID', `${source} must be true or false, not '${value}'.`, { source });
}
