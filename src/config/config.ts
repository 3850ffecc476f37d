import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { WaymarkError } from '../errors/index.js';
import { LOG_LEVELS, type LogLevel } from '../logging/log-levels.js';
import { redactUrlCredentials } from '../logging/url-credentials.js';

// The levels belong to the logger; the config re-exports them because its setting names one.
export { LOG_LEVELS, type LogLevel };

/** The server's settings, read once at start-up and frozen. */
export interface Config {
  /** TCP port to listen on; 0 asks the system for a free port. */
  readonly port: number;
  /** Interface to bind, e.g. `0.0.0.0` or `127.0.0.1`. */
  readonly host: string;
  /** Absolute path of the folder that holds the SQLite database and other local data. */
  readonly dataDir: string;
  /** PostgreSQL connection URL; null means the embedded SQLite store in `dataDir`. */
  readonly databaseUrl: string | null;
  /** The URL people and callers reach this server at (no trailing slash), when it differs from the bind address. */
  readonly publicUrl: string | null;
  readonly logLevel: LogLevel;
  /** Absolute path of the only folder file actions may touch; null turns file actions off. */
  readonly fileSandbox: string | null;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit: number;
  /** Upper bound on Auto transitions in one engine step. */
  readonly maxAutoSteps: number;
  /** SQLite on a file: commit steps on a writer thread with its own connection (docs/performance.md). */
  readonly sqliteWriterThread: boolean;
  /**
   * Which peers may set the client address with `X-Forwarded-For` (and the protocol and host with
   * `X-Forwarded-Proto` / `-Host`): false for none, a hop count, or proxy addresses and CIDR ranges
   * (also `loopback`, `linklocal`, `uniquelocal`). Passed to fastify's `trustProxy` as it is.
   */
  readonly trustProxy: TrustProxy;
  /**
   * Without a public URL: the host names (optionally `name:port`) whose `Host` header the server
   * may use to build token issuers and task links. Loopback names are always allowed.
   */
  readonly allowedHosts: readonly string[];
  /** How long a task link stays valid after it is made, in milliseconds (`WAYMARK_TASK_LINK_TTL`). */
  readonly taskLinkLifetimeMs: number;
}

/** See {@link Config.trustProxy}. */
export type TrustProxy = false | number | readonly string[];

/** Settings given on the command line; each one overrides its environment variable. */
export interface ConfigFlags {
  readonly port: string | number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly publicUrl: string;
  readonly logLevel: string;
}

/** Defaults used when neither a flag nor an environment variable gives a value. */
export const CONFIG_DEFAULTS = {
  port: 8077,
  host: '0.0.0.0',
  dataDir: './data',
  logLevel: 'info',
  bodyLimit: 1024 * 1024,
  maxAutoSteps: 1000,
  sqliteWriterThread: false,
  trustProxy: false,
  allowedHosts: [],
  taskLinkLifetimeMs: 30 * 24 * 60 * 60_000,
} as const;

const MAX_BODY_LIMIT = 1024 * 1024 * 1024;
const MAX_AUTO_STEPS_LIMIT = 1_000_000;
const MAX_PROXY_HOPS = 32;
const NAMED_PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Where a raw value came from, so an error can name exactly what the user typed. */
interface RawSetting {
  readonly source: string;
  readonly value: string;
}

/**
 * Reads the configuration from environment variables and command-line flags (flags win).
 * Empty environment variables count as unset. Relative paths are resolved against `cwd`.
 *
 * @throws WaymarkError `WM_CONFIG_INVALID` naming the variable or flag and the bad value.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  flags: Partial<ConfigFlags> = {},
  cwd: string = process.cwd(),
): Config {
  const pick = (flagName: string, flagValue: string | number | undefined, envName: string): RawSetting | null => {
    if (flagValue !== undefined) return { source: `--${flagName}`, value: String(flagValue) };
    const envValue = env[envName];
    if (envValue !== undefined && envValue !== '') return { source: envName, value: envValue };
    return null;
  };

  const config: Config = {
    port: readPort(pick('port', flags.port, 'PORT')),
    host: readHost(pick('host', flags.host, 'HOST')),
    dataDir: readDataDir(pick('data-dir', flags.dataDir, 'WAYMARK_DATA_DIR'), cwd),
    databaseUrl: readDatabaseUrl(pick('database-url', flags.databaseUrl, 'DATABASE_URL')),
    publicUrl: readPublicUrl(pick('public-url', flags.publicUrl, 'WAYMARK_PUBLIC_URL')),
    logLevel: readLogLevel(pick('log-level', flags.logLevel, 'WAYMARK_LOG_LEVEL')),
    fileSandbox: readFileSandbox(pick('file-sandbox', undefined, 'WAYMARK_FILE_SANDBOX'), cwd),
    bodyLimit: readInteger(pick('body-limit', undefined, 'WAYMARK_BODY_LIMIT'), 1, MAX_BODY_LIMIT, CONFIG_DEFAULTS.bodyLimit, 'a number of bytes'),
    maxAutoSteps: readInteger(pick('max-auto-steps', undefined, 'WAYMARK_MAX_AUTO_STEPS'), 1, MAX_AUTO_STEPS_LIMIT, CONFIG_DEFAULTS.maxAutoSteps, 'an integer'),
    sqliteWriterThread: readSwitch(pick('sqlite-writer-thread', undefined, 'WAYMARK_SQLITE_WRITER_THREAD'), CONFIG_DEFAULTS.sqliteWriterThread),
    trustProxy: readTrustProxy(pick('trust-proxy', undefined, 'WAYMARK_TRUST_PROXY')),
    allowedHosts: readAllowedHosts(pick('allowed-hosts', undefined, 'WAYMARK_ALLOWED_HOSTS')),
    taskLinkLifetimeMs: readDuration(pick('task-link-ttl', undefined, 'WAYMARK_TASK_LINK_TTL'), TASK_LINK_TTL_LIMITS, CONFIG_DEFAULTS.taskLinkLifetimeMs),
  };
  return Object.freeze(config);
}

/**
 * The configuration as it is safe to log: every credential in `databaseUrl` is masked (the
 * password of `user:password@`, and `password`, `sslpassword`, `sslkey`… in its query).
 */
export function describeConfig(config: Config): Record<string, unknown> {
  return { ...config, databaseUrl: config.databaseUrl === null ? null : redactUrlCredentials(config.databaseUrl) };
}

function invalid(setting: RawSetting, expectation: string): WaymarkError<'WM_CONFIG_INVALID'> {
  return new WaymarkError(
    'WM_CONFIG_INVALID',
    `${setting.source} must be ${expectation}, got ${JSON.stringify(setting.value)}`,
    { setting: setting.source, value: setting.value },
  );
}

function readInteger(setting: RawSetting | null, min: number, max: number, fallback: number, what: string): number {
  if (setting === null) return fallback;
  const text = setting.value.trim();
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(setting, `${what} from ${min} to ${max}`);
  }
  return value;
}

function readSwitch(setting: RawSetting | null, fallback: boolean): boolean {
  if (setting === null) return fallback;
  const text = setting.value.trim().toLowerCase();
  if (text === 'true' || text === 'on' || text === '1') return true;
  if (text === 'false' || text === 'off' || text === '0') return false;
  throw invalid(setting, 'true or false (on/off, 1/0)');
}

function readPort(setting: RawSetting | null): number {
  if (setting === null) return CONFIG_DEFAULTS.port;
  const text = setting.value.trim();
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value > 65535) {
    throw invalid(setting, 'an integer from 1 to 65535 (or 0 for any free port)');
  }
  return value;
}

function readHost(setting: RawSetting | null): string {
  if (setting === null) return CONFIG_DEFAULTS.host;
  // Host names, IPv4 and IPv6 addresses (optionally bracketed, with a zone id).
  if (!/^(?:[A-Za-z0-9.-]+|\[?[0-9A-Fa-f:.]+(?:%[A-Za-z0-9]+)?\]?)$/.test(setting.value)) {
    throw invalid(setting, 'a host name or IP address such as 0.0.0.0 or 127.0.0.1');
  }
  return setting.value;
}

function readDataDir(setting: RawSetting | null, cwd: string): string {
  if (setting === null) return resolve(cwd, CONFIG_DEFAULTS.dataDir);
  if (setting.value.trim() === '' || setting.value.includes('\0')) throw invalid(setting, 'a folder path');
  return resolve(cwd, setting.value);
}

function readDatabaseUrl(setting: RawSetting | null): string | null {
  if (setting === null) return null;
  let url: URL;
  try {
    url = new URL(setting.value);
  } catch {
    throw invalidDatabaseUrl(setting);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw invalidDatabaseUrl(setting);
  return setting.value;
}

function invalidDatabaseUrl(setting: RawSetting): WaymarkError<'WM_CONFIG_INVALID'> {
  // The value may carry a password: name the setting but never echo it.
  return new WaymarkError(
    'WM_CONFIG_INVALID',
    `${setting.source} must be a PostgreSQL URL such as postgres://user:password@host:5432/waymark, got ${JSON.stringify(redactUrlCredentials(setting.value))}`,
    { setting: setting.source },
  );
}

function readPublicUrl(setting: RawSetting | null): string | null {
  if (setting === null) return null;
  let url: URL;
  try {
    url = new URL(setting.value);
  } catch {
    throw invalid(setting, 'an http(s) URL such as https://workflow.example.com');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw invalid(setting, 'an http(s) URL such as https://workflow.example.com');
  }
  return url.toString().replace(/\/+$/, '');
}

function readTrustProxy(setting: RawSetting | null): TrustProxy {
  if (setting === null) return CONFIG_DEFAULTS.trustProxy;
  const text = setting.value.trim();
  const lower = text.toLowerCase();
  if (lower === 'false' || lower === 'off' || lower === '0') return false;
  const expectation =
    `off, a number of proxy hops from 1 to ${MAX_PROXY_HOPS}, or a comma-separated list of proxy addresses and CIDR ranges ` +
    '(e.g. 10.0.0.5,192.168.0.0/16, or loopback, linklocal, uniquelocal)';
  if (lower === 'true' || lower === 'on' || lower === 'all' || lower === '*') {
    // Trusting every peer lets any client choose its address with X-Forwarded-For.
    throw invalid(setting, `${expectation}; trusting every peer is refused`);
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_PROXY_HOPS) throw invalid(setting, expectation);
    return hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  if (!entries.every(isProxyEntry)) throw invalid(setting, expectation);
  return Object.freeze(entries);
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const TASK_LINK_TTL_LIMITS = { minMs: 60_000, maxMs: 3650 * 86_400_000, text: 'from 1m to 3650d' } as const;

/** A duration such as `30d`, `12h`, `90m` or `3600s` (a bare number is seconds), in milliseconds. */
function readDuration(setting: RawSetting | null, limits: { minMs: number; maxMs: number; text: string }, fallback: number): number {
  if (setting === null) return fallback;
  const match = /^(\d{1,7})\s*([smhd]?)$/i.exec(setting.value.trim());
  const milliseconds = match ? Number(match[1]) * (DURATION_UNITS_MS[(match[2] || 's').toLowerCase()] ?? 1000) : Number.NaN;
  if (!(milliseconds >= limits.minMs && milliseconds <= limits.maxMs)) {
    throw invalid(setting, `a duration ${limits.text}, such as 30d, 12h, 90m or 3600s`);
  }
  return milliseconds;
}

// A DNS name (labels of letters, digits and inner hyphens), an IPv4 address, or a bracketed IPv6
// address, each with an optional port.
const HOST_ENTRY = /^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function readAllowedHosts(setting: RawSetting | null): readonly string[] {
  if (setting === null) return CONFIG_DEFAULTS.allowedHosts;
  const entries = setting.value.split(',').map((entry) => entry.trim().toLowerCase());
  if (!entries.every((entry) => HOST_ENTRY.test(entry))) {
    throw invalid(setting, 'a comma-separated list of host names, optionally with a port (e.g. workflow.example.com,10.0.0.5:8077)');
  }
  return Object.freeze(entries);
}

/** An IP address, a CIDR range (`10.0.0.0/8`, `fd00::/8`), or one of proxy-addr's named ranges. */
function isProxyEntry(entry: string): boolean {
  if (NAMED_PROXY_RANGES.has(entry.toLowerCase())) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

function readLogLevel(setting: RawSetting | null): LogLevel {
  if (setting === null) return CONFIG_DEFAULTS.logLevel;
  const level = setting.value.trim().toLowerCase();
  const known = LOG_LEVELS.find((candidate) => candidate === level);
  if (known === undefined) throw invalid(setting, `one of ${LOG_LEVELS.join(', ')}`);
  return known;
}

function readFileSandbox(setting: RawSetting | null, cwd: string): string | null {
  if (setting === null) return null;
  const path = resolve(cwd, setting.value);
  let isFolder = false;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) throw invalid(setting, 'an existing folder');
  return path;
}
