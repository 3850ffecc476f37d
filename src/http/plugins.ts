import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.js';
import type { Logger } from '../logging/index.js';
import type { Clock, WorkflowService } from '../services/index.js';
import type { Store } from '../store/store.js';

/** What every HTTP plugin (an API dialect, the admin API) is given. */
export interface WaymarkPluginContext {
  readonly config: Config;
  readonly store: Store;
  readonly services: WorkflowService;
  readonly logger: Logger;
  readonly clock: Clock;
}

/**
 * A part of the HTTP surface: one API dialect or the admin API. It is registered in its own
 * encapsulated fastify scope, so it may set its own error handler to answer in its wire format.
 */
export interface WaymarkPlugin {
  /** Shown in logs, e.g. `workflow-api`. */
  readonly name: string;
  /** URL prefix of every route it adds, e.g. `/api/v1`; none by default. */
  readonly prefix?: string;
  register(app: FastifyInstance, context: WaymarkPluginContext): Promise<void>;
}

/**
 * The modules that provide plugins, relative to this file. Each one exports `waymarkPlugin`.
 * A module that does not exist yet is skipped, so the server runs while they are being built.
 */
export const PLUGIN_MODULES: readonly string[] = [
  '../dialects/workflow-api/index.js',
  '../dialects/api-v1/index.js',
  '../admin/index.js',
];

/**
 * Imports the plugin modules that exist. A module that exists but fails to load, or that does not
 * export a `waymarkPlugin`, is an error: a half-installed dialect must not be skipped silently.
 */
export async function loadInstalledPlugins(
  logger: Logger,
  modules: readonly string[] = PLUGIN_MODULES,
  base: string = import.meta.url,
): Promise<WaymarkPlugin[]> {
  const plugins: WaymarkPlugin[] = [];
  for (const specifier of modules) {
    const url = new URL(specifier, base);
    let loaded: { waymarkPlugin?: unknown };
    try {
      loaded = (await import(url.href)) as { waymarkPlugin?: unknown };
    } catch (error) {
      if (isMissingModule(error, url)) {
        logger.debug({ module: specifier }, 'HTTP plugin module not present; skipped');
        continue;
      }
      throw error;
    }
    if (!isWaymarkPlugin(loaded.waymarkPlugin)) {
      throw new TypeError(`${specifier} does not export a waymarkPlugin ({ name, register })`);
    }
    plugins.push(loaded.waymarkPlugin);
  }
  return plugins;
}

function isWaymarkPlugin(value: unknown): value is WaymarkPlugin {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; register?: unknown; prefix?: unknown };
  return typeof candidate.name === 'string' && typeof candidate.register === 'function'
    && (candidate.prefix === undefined || typeof candidate.prefix === 'string');
}

// Only the module itself being absent counts: a missing import inside it is a real error.
function isMissingModule(error: unknown, url: URL): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, url: missingUrl, message } = error as { code?: unknown; url?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND') return false;
  return missingUrl === url.href || (typeof message === 'string' && message.includes(`'${decodeURIComponent(url.pathname)}'`));
}
