/**
 * The services the command line works with, over the configured store and without a server:
 * `waymark scheme …`, `tenant …`, `callbacks …` and `settings …` change the same records through
 * the same services as the HTTP APIs, so a change from the command line is checked the same way.
 */
import type { Config } from '../config/index.js';
import { SettingsService } from '../access/index.js';
import { CallbackServerService } from '../callbacks/index.js';
import { systemClock, WorkflowService } from '../services/index.js';
import { createStore } from '../store/index.js';
import { createApiV1Services, type ApiV1Services } from './build-services.js';

/** The services of one command-line run. */
export interface CommandLineServices {
  readonly workflow: WorkflowService;
  readonly apiV1: ApiV1Services;
  readonly callbackServers: CallbackServerService;
  readonly settings: SettingsService;
}

/**
 * Opens the store `config` names, builds the services over it, runs `work` and always closes the
 * store. `env` is where the callback servers' WAYMARK_CALLBACK_URL is read.
 */
export async function withCommandLineServices<T>(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  work: (services: CommandLineServices) => Promise<T>,
): Promise<T> {
  const store = await createStore({ dataDir: config.dataDir, ...(config.databaseUrl === null ? {} : { databaseUrl: config.databaseUrl }) });
  try {
    const workflow = new WorkflowService({ store, maxAutoSteps: config.maxAutoSteps, fileActionsSandbox: config.fileSandbox !== null });
    return await work({
      workflow,
      apiV1: createApiV1Services(workflow, store),
      callbackServers: new CallbackServerService({ settings: store, env, clock: systemClock }),
      settings: new SettingsService(store),
    });
  } finally {
    await store.close();
  }
}
