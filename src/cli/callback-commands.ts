import type { Command } from 'commander';
import { withStoreOptions, type CliIo } from './cli-io.js';
import type { CommandRunner } from './settings-commands.js';

/** Flags every callbacks command takes to find the store. */
interface StoreFlags {
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  readonly json?: boolean;
}

/** The options `add` and `change` share. */
interface ServerFlags extends StoreFlags {
  readonly baseUrl?: string;
  readonly token?: string;
  readonly tokenStdin?: boolean;
  readonly timeoutMs?: string;
  readonly path?: string[];
  readonly methodToken?: string[];
  readonly allMethods?: boolean;
}

/** What only `change` takes. */
interface ChangeFlags extends ServerFlags {
  readonly name?: string;
  readonly clearBaseUrl?: boolean;
  readonly clearToken?: boolean;
  readonly defaultPath?: string[];
  readonly clearMethodToken?: string[];
}

// Loaded only when a callbacks command runs, so `waymark --help` stays quick.
const loadDeps = async () => {
  const [callbacks, config, server, errors] = await Promise.all([
    import('../callbacks/index.js'),
    import('../config/index.js'),
    import('../server/command-line-services.js'),
    import('../errors/index.js'),
  ]);
  return { callbacks, config, server, errors };
};

type CallbackServerService = import('../callbacks/index.js').CallbackServerService;
type CallbackServerView = import('../callbacks/index.js').CallbackServerView;

const repeatable = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * Registers `waymark callbacks list|add|change|remove|test`: the callback servers of the store
 * setting `callbackServers`, on the configured store directly (no server needed). A running
 * server reads the setting again within 5 seconds.
 */
export function registerCallbackCommands(program: Command, io: CliIo, run: CommandRunner, readStdin: () => Promise<string> = readStdinLine): void {
  const callbacks = program.command('callbacks').description('callback servers: where actions, conditions, rules and notifications of the Callback API go (no server needed)');

  withStoreOptions(callbacks.command('list').description('list the callback servers and the URL of each method (tokens only as set / not set)')).action(
    async (options: StoreFlags) => {
      await run(options.json, () =>
        withCallbackServers(options, io, async (service) => {
          const servers = await service.list();
          print(io, options.json, { servers }, servers.length === 0 ? 'no callback servers configured' : servers.map(describeServer).join('\n\n'));
          return 0;
        }),
      );
    },
  );

  const serverOptions = (command: Command): Command =>
    withStoreOptions(command)
      .option('--base-url <url>', 'base URL; a method path is appended to it (e.g. http://localhost:5000/Api)')
      .option('--token <token>', 'token sent with every method without its own (lands in the shell history: prefer --token-stdin)')
      .option('--token-stdin', 'read the token from standard input')
      .option('--timeout-ms <ms>', 'how long to wait for an answer (default 10000)')
      .option('--path <method=path>', 'a method path under the base URL, or an absolute URL; empty turns the method off (repeat)', repeatable)
      .option('--method-token <method=token>', 'a token for one method (repeat)', repeatable)
      .option('--all-methods', 'also call generate, processlog and the parameter provider at their default paths');

  serverOptions(callbacks.command('add <name>').description('add a callback server')).action(async (name: string, options: ServerFlags) => {
    await run(options.json, () =>
      withCallbackServers(options, io, async (service, deps) => {
        const token = await tokenOf(options, readStdin, deps.errors);
        const added = await service.add({
          name,
          ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
          ...(token === undefined ? {} : { token }),
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: timeoutOf(options.timeoutMs, deps.errors) }),
          paths: pairsOf(options.path, '--path', deps.errors),
          tokens: pairsOf(options.methodToken, '--method-token', deps.errors),
          allMethods: options.allMethods === true,
        });
        print(io, options.json, { server: added }, `added ${describeServer(added)}`);
        return 0;
      }),
    );
  });

  serverOptions(callbacks.command('change <name>').description('change a callback server; what is not given stays'))
    .option('--name <newName>', 'rename it')
    .option('--clear-base-url', 'remove the base URL (every method then needs an absolute URL)')
    .option('--clear-token', "remove the server's token")
    .option('--default-path <method>', 'put a method back at its default path (repeat)', repeatable)
    .option('--clear-method-token <method>', "use the server's token for a method again (repeat)", repeatable)
    .action(async (name: string, options: ChangeFlags) => {
      await run(options.json, () =>
        withCallbackServers(options, io, async (service, deps) => {
          const refuse = (message: string) => new deps.errors.WaymarkError('WM_INPUT_INVALID', message);
          if (options.clearBaseUrl && options.baseUrl !== undefined) throw refuse('Give --base-url or --clear-base-url, not both.');
          if (options.clearToken && (options.token !== undefined || options.tokenStdin)) throw refuse('Give a token or --clear-token, not both.');
          const token = options.clearToken ? null : await tokenOf(options, readStdin, deps.errors);
          const paths: Record<string, string | null> = pairsOf(options.path, '--path', deps.errors);
          for (const method of options.defaultPath ?? []) paths[method] = null;
          const tokens: Record<string, string | null> = pairsOf(options.methodToken, '--method-token', deps.errors);
          for (const method of options.clearMethodToken ?? []) tokens[method] = null;
          const changed = await service.change(name, {
            ...(options.name === undefined ? {} : { name: options.name }),
            ...(options.clearBaseUrl ? { baseUrl: null } : options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
            ...(token === undefined ? {} : { token }),
            ...(options.timeoutMs === undefined ? {} : { timeoutMs: timeoutOf(options.timeoutMs, deps.errors) }),
            paths,
            tokens,
            allMethods: options.allMethods === true,
          });
          print(io, options.json, { server: changed }, `changed ${describeServer(changed)}`);
          return 0;
        }),
      );
    });

  withStoreOptions(callbacks.command('remove <name>').description('remove a callback server')).action(async (name: string, options: StoreFlags) => {
    await run(options.json, () =>
      withCallbackServers(options, io, async (service) => {
        const removed = await service.get(name);
        await service.remove(name);
        print(io, options.json, { removed: removed.name }, `removed callback server ${removed.name}`);
        return 0;
      }),
    );
  });

  withStoreOptions(
    callbacks
      .command('test <name>')
      .description('ask a callback server for its lists (getactions, getconditions, getrules, getparameternames); exit code 1 when one fails')
      .option('--scheme-code <code>', 'the scheme code the lists are asked for'),
  ).action(async (name: string, options: StoreFlags & { schemeCode?: string }) => {
    await run(options.json, () =>
      withCallbackServers(options, io, async (service) => {
        const server = await service.get(name);
        const results = await service.test(name, options.schemeCode ?? '');
        const ok = results.length > 0 && results.every((result) => result.ok);
        const lines = results.map((result) => `${result.ok ? 'ok  ' : 'FAIL'} ${result.method.padEnd(18)} ${result.url}${result.ok ? `  ${JSON.stringify(result.data)}` : `\n     ${result.error}`}`);
        const text = results.length === 0 ? `callback server ${server.name} has no list method to test` : lines.join('\n');
        print(io, options.json, { server: server.name, ok, results }, text);
        return ok ? 0 : 1;
      }),
    );
  });
}

async function withCallbackServers<T>(
  flags: StoreFlags,
  io: CliIo,
  work: (service: CallbackServerService, deps: Awaited<ReturnType<typeof loadDeps>>) => Promise<T>,
): Promise<T> {
  const deps = await loadDeps();
  const loaded = deps.config.loadConfig(io.env, flags, io.cwd);
  return deps.server.withCommandLineServices(loaded, io.env, (services) => work(services.callbackServers, deps));
}

type Errors = Awaited<ReturnType<typeof loadDeps>>['errors'];

async function tokenOf(options: ServerFlags, readStdin: () => Promise<string>, errors: Errors): Promise<string | undefined> {
  if (options.tokenStdin && options.token !== undefined) throw new errors.WaymarkError('WM_INPUT_INVALID', 'Give --token or --token-stdin, not both.');
  if (options.tokenStdin) {
    const token = (await readStdin()).trim();
    if (token === '') throw new errors.WaymarkError('WM_INPUT_MISSING', 'No token on standard input.');
    return token;
  }
  return options.token;
}

function timeoutOf(text: string, errors: Errors): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new errors.WaymarkError('WM_INPUT_INVALID', `--timeout-ms must be a whole number of milliseconds, got '${text}'`);
  return value;
}

/** `method=value` pairs of a repeatable option. */
function pairsOf(pairs: readonly string[] | undefined, option: string, errors: Errors): Record<string, string> {
  const read: [string, string][] = [];
  for (const pair of pairs ?? []) {
    const separator = pair.indexOf('=');
    if (separator <= 0) throw new errors.WaymarkError('WM_INPUT_INVALID', `${option} takes method=value, got '${pair}'`);
    read.push([pair.slice(0, separator).trim(), pair.slice(separator + 1).trim()]);
  }
  // fromEntries makes `__proto__` an own key, which the service then refuses as no method.
  return Object.fromEntries(read);
}

function describeServer(server: CallbackServerView): string {
  const head = `${server.name}${server.source === 'environment' ? ' (from WAYMARK_CALLBACK_URL)' : ''}: base ${server.baseUrl ?? '(none)'}, token ${server.hasToken ? 'set' : 'not set'}, timeout ${server.timeoutMs} ms`;
  const methods = server.methods.map((method) => `  ${method.method.padEnd(22)} ${method.url ?? 'off'}${method.hasOwnToken ? '  (own token)' : ''}`);
  return [head, ...methods].join('\n');
}

function print(io: CliIo, json: boolean | undefined, document: Record<string, unknown>, text: string): void {
  io.writeOut(json === true ? `${JSON.stringify(document, null, 2)}\n` : `${text}\n`);
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}
