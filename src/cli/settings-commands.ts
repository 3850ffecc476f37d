import type { Command } from 'commander';
import { withStoreOptions, type CliIo } from './cli-io.js';

/** Runs one command's work and turns errors into an exit code (the CLI's `run` helper). */
export type CommandRunner = (json: boolean | undefined, work: () => Promise<number>) => Promise<void>;

/** Flags every settings command takes to find the store. */
interface StoreFlags {
  readonly dataDir?: string;
  readonly databaseUrl?: string;
}

const SETTING_NAMES = ['api-token', 'oidc', 'admin-password'] as const;
type SettingName = (typeof SETTING_NAMES)[number];

// Loaded only when a settings command runs, so `waymark --help` stays quick.
const loadDeps = async () => {
  const [access, config, server, errors] = await Promise.all([
    import('../access/index.js'),
    import('../config/index.js'),
    import('../server/command-line-services.js'),
    import('../errors/index.js'),
  ]);
  return { access, config, server, errors };
};

/**
 * Registers `waymark settings get|set api-token|oidc|admin-password` and `waymark keys rotate|list`
 * on the program. They work on the configured store directly (no server needed); a running server
 * reads the settings on every request, so changes apply at once — except signing keys, which a
 * running server also reads from the store on every use.
 */
export function registerSettingsCommands(program: Command, io: CliIo, run: CommandRunner): void {

  const settings = program.command('settings').description('read and change access settings in the configured store (no server needed)');

  withStoreOptions(
    settings
      .command('get <name>')
      .description(`show a setting: ${SETTING_NAMES.join(', ')} (the admin password only as set / not set)`)
      .option('--reveal', 'print the API access token itself instead of a masked form'),
  ).action(async (name: string, options: StoreFlags & { json?: boolean; reveal?: boolean }) => {
    await run(options.json, () => getSettingCommand(name, options, io));
  });

  withStoreOptions(
    settings
      .command('set <name> [value]')
      .description('change a setting: api-token <token>, oidc <on|off>, admin-password <password>')
      .option('--generate', 'api-token, admin-password: generate a random value and print it once')
      .option('--clear', 'api-token: remove the token (opens the Workflow API)')
      .option('--stdin', 'read the value from standard input (keeps it out of the shell history)'),
  ).action(async (name: string, value: string | undefined, options: StoreFlags & { json?: boolean; generate?: boolean; clear?: boolean; stdin?: boolean }) => {
    await run(options.json, async () => {
      const given = options.stdin === true ? await readStdinLine() : value;
      return setSettingCommand(name, given, options, io);
    });
  });

  const keys = program.command('keys').description("the identity server's signing keys");
  withStoreOptions(keys.command('rotate').description('add a new signing key for new tokens; the old one keeps verifying until its tokens expire')).action(
    async (options: StoreFlags & { json?: boolean }) => {
      await run(options.json, () => rotateKeysCommand(options, io));
    },
  );
  withStoreOptions(keys.command('list').description('list the signing keys (ids and dates only)')).action(async (options: StoreFlags & { json?: boolean }) => {
    await run(options.json, () => listKeysCommand(options, io));
  });
}

async function withSettings<T>(flags: StoreFlags, io: CliIo, work: (settings: import('../access/index.js').SettingsService) => Promise<T>): Promise<T> {
  const { config, server } = await loadDeps();
  const loaded = config.loadConfig(io.env, flags, io.cwd);
  return server.withCommandLineServices(loaded, io.env, (services) => work(services.settings));
}

async function checkedName(name: string): Promise<SettingName> {
  if ((SETTING_NAMES as readonly string[]).includes(name)) return name as SettingName;
  const { errors } = await loadDeps();
  throw new errors.WaymarkError('WM_INPUT_INVALID', `Unknown setting '${name}'; use one of ${SETTING_NAMES.join(', ')}.`);
}

function print(io: CliIo, json: boolean | undefined, document: Record<string, unknown>, text: string): void {
  io.writeOut(json === true ? `${JSON.stringify(document, null, 2)}\n` : `${text}\n`);
}

/** `waymark settings get <name>`. */
export async function getSettingCommand(name: string, options: StoreFlags & { json?: boolean; reveal?: boolean }, io: CliIo): Promise<number> {
  const setting = await checkedName(name);
  return withSettings(options, io, async (settings) => {
    if (setting === 'api-token') {
      const token = await settings.getApiToken();
      const shown = token === null ? null : options.reveal === true ? token : `${token.slice(0, 4)}… (${token.length} characters; --reveal to show)`;
      print(io, options.json, { apiToken: shown, set: token !== null }, token === null ? 'api-token: not set (the Workflow API is open)' : `api-token: ${shown}`);
    } else if (setting === 'oidc') {
      const enabled = await settings.isOidcEnabled();
      print(io, options.json, { oidc: enabled }, `oidc: ${enabled ? 'on' : 'off'}`);
    } else {
      const set = await settings.hasAdminPassword();
      print(io, options.json, { adminPassword: set ? 'set' : 'not set' }, `admin-password: ${set ? 'set' : 'not set'}`);
    }
    return 0;
  });
}

/** `waymark settings set <name> [value]`. */
export async function setSettingCommand(
  name: string,
  value: string | undefined,
  options: StoreFlags & { json?: boolean; generate?: boolean; clear?: boolean },
  io: CliIo,
): Promise<number> {
  const setting = await checkedName(name);
  const { access, errors } = await loadDeps();
  const refuse = (message: string) => new errors.WaymarkError('WM_INPUT_INVALID', message);
  const sources = [value !== undefined, options.generate === true, options.clear === true].filter(Boolean).length;
  if (sources !== 1) throw refuse(`Give exactly one of: a value, --generate${setting === 'api-token' ? ', --clear' : ''}.`);
  if (options.clear === true && setting !== 'api-token') throw refuse('--clear applies to api-token only.');
  if (options.generate === true && setting === 'oidc') throw refuse('--generate applies to api-token and admin-password.');

  return withSettings(options, io, async (settings) => {
    if (setting === 'oidc') {
      const enabled = access.parseSwitch(value ?? '', 'oidc');
      await settings.setOidcEnabled(enabled);
      print(io, options.json, { oidc: enabled }, `oidc: ${enabled ? 'on' : 'off'}`);
      return 0;
    }
    const generated = options.generate === true ? access.generateSecret(setting === 'api-token' ? 48 : 18) : undefined;
    const secret = generated ?? value;
    if (setting === 'api-token') {
      await settings.setApiToken(options.clear === true ? null : (secret ?? null));
      const cleared = options.clear === true;
      print(
        io,
        options.json,
        { apiToken: cleared ? null : 'set', ...(generated === undefined ? {} : { generated }) },
        cleared ? 'api-token: cleared (the Workflow API is open)' : generated === undefined ? 'api-token: set' : `api-token: set to ${generated} (shown once)`,
      );
      return 0;
    }
    await settings.setAdminPassword(secret ?? '');
    print(
      io,
      options.json,
      { adminPassword: 'set', ...(generated === undefined ? {} : { generated }) },
      generated === undefined ? 'admin-password: set' : `admin-password: set to ${generated} (shown once)`,
    );
    return 0;
  });
}

/** `waymark keys rotate`. */
export async function rotateKeysCommand(options: StoreFlags & { json?: boolean }, io: CliIo): Promise<number> {
  return withSettings(options, io, async (settings) => {
    const kid = await settings.signingKeys.rotate();
    const keys = await settings.signingKeys.describe();
    print(io, options.json, { kid, keys }, `new signing key ${kid}; ${keys.length - 1} older key(s) kept until their tokens expire`);
    return 0;
  });
}

/** `waymark keys list`. */
export async function listKeysCommand(options: StoreFlags & { json?: boolean }, io: CliIo): Promise<number> {
  return withSettings(options, io, async (settings) => {
    const keys = await settings.signingKeys.describe();
    const lines = keys.map((key) => `${key.kid}  created ${key.createdAt}${key.retiredAt === null ? '  (signing)' : `  retired ${key.retiredAt}`}`);
    print(io, options.json, { keys }, lines.length === 0 ? 'no signing keys yet (created at the first start)' : lines.join('\n'));
    return 0;
  });
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}
