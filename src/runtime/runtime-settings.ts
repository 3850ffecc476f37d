/**
 * The settings the runtime reads: the outbound allowlist, callback servers, configured
 * webhooks and the file sandbox. Each comes from a store setting, an environment variable, or
 * both (the environment adds to the setting).
 */
import type { JsonValue } from '../engine/types.js';
import { WaymarkError } from '../errors/index.js';
import { HostAllowlist } from '../actions/outbound-http.js';
import type { ConfiguredWebhook } from '../actions/webhook.js';
import { CALLBACK_SERVERS_SETTING, callbackServersFrom, type CallbackServer } from '../callbacks/index.js';
import type { Clock } from '../services/clock.js';
import type { SettingsStore } from '../store/store.js';

/** Store setting keys the runtime reads. */
export const RUNTIME_SETTING_KEYS = {
  callbackServers: CALLBACK_SERVERS_SETTING,
  httpAllowlist: 'httpAllowlist',
  webhooks: 'webhooks',
} as const;

/** What the runtime's actions and callbacks are allowed to do. */
export interface RuntimeSettings {
  readonly allowlist: HostAllowlist;
  readonly callbackServers: readonly CallbackServer[];
  readonly webhooks: readonly ConfiguredWebhook[];
  /** Absolute folder file actions are confined to; null: file actions are off. */
  readonly fileSandbox: string | null;
}

function allowlistFrom(setting: JsonValue | null, env: Readonly<Record<string, string | undefined>>): HostAllowlist {
  let fromSetting: string[] = [];
  if (typeof setting === 'string') fromSetting = setting.split(',');
  else if (Array.isArray(setting) && setting.every((s) => typeof s === 'string')) fromSetting = setting as string[];
  else if (setting !== null) {
    throw new WaymarkError('WM_CONFIG_INVALID', `Setting ${RUNTIME_SETTING_KEYS.httpAllowlist} must be an array of host[:port] patterns or a comma-separated text`, {
      setting: RUNTIME_SETTING_KEYS.httpAllowlist,
    });
  }
  return HostAllowlist.of(fromSetting).with(HostAllowlist.parse(env.WAYMARK_HTTP_ALLOWLIST));
}

function webhooksFrom(setting: JsonValue | null): ConfiguredWebhook[] {
  if (setting === null) return [];
  if (!Array.isArray(setting)) throw new WaymarkError('WM_CONFIG_INVALID', `Setting webhooks must be an array of {name, url, secret?}`, { setting: 'webhooks' });
  return setting.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item) || typeof item.name !== 'string' || typeof item.url !== 'string') {
      throw new WaymarkError('WM_CONFIG_INVALID', `Setting webhooks[${index}] must be {name, url, secret?}`, { setting: 'webhooks', index });
    }
    return { name: item.name, url: item.url, ...(typeof item.secret === 'string' ? { secret: item.secret } : {}) };
  });
}

/** Reads the runtime settings from the store and environment now. */
export async function readRuntimeSettings(store: SettingsStore, env: Readonly<Record<string, string | undefined>>, fileSandbox: string | null): Promise<RuntimeSettings> {
  const [servers, allowlist, webhooks] = await Promise.all([
    store.getSetting(RUNTIME_SETTING_KEYS.callbackServers),
    store.getSetting(RUNTIME_SETTING_KEYS.httpAllowlist),
    store.getSetting(RUNTIME_SETTING_KEYS.webhooks),
  ]);
  return {
    allowlist: allowlistFrom(allowlist, env),
    callbackServers: callbackServersFrom(servers, env),
    webhooks: webhooksFrom(webhooks),
    fileSandbox,
  };
}

/** Settings read at most once per `cacheMs` (by the injected clock); `refresh` forces a read. */
export class RuntimeSettingsSource {
  private cached: { readonly settings: RuntimeSettings; readonly until: number } | null = null;
  /**
   * The read in progress: callers that find the cache stale while it runs share it. A batch of
   * timers asks for the settings once per step in one turn; without this each would read them.
   */
  private reading: Promise<RuntimeSettings> | null = null;
  /** Bumped by `refresh`, so a read that started before it is not cached. */
  private generation = 0;

  constructor(
    private readonly settings: SettingsStore,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly clock: Clock,
    private readonly fileSandbox: string | null,
    private readonly cacheMs = 5000,
  ) {}

  /** The current settings. */
  async get(): Promise<RuntimeSettings> {
    const now = this.clock.now().getTime();
    if (this.cached && this.cached.until > now) return this.cached.settings;
    if (this.reading) return this.reading;
    const generation = this.generation;
    const reading = readRuntimeSettings(this.settings, this.env, this.fileSandbox).then((settings) => {
      if (this.generation === generation) this.cached = { settings, until: now + this.cacheMs };
      return settings;
    });
    this.reading = reading;
    const forget = (): void => {
      if (this.reading === reading) this.reading = null;
    };
    reading.then(forget, forget);
    return reading;
  }

  /** Forgets the cached settings (after a setting changed); the next `get` reads them anew. */
  refresh(): void {
    this.generation += 1;
    this.cached = null;
    this.reading = null;
  }
}
