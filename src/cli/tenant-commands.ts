import type { Command } from 'commander';
import { withStoreOptions, type CliIo } from './cli-io.js';
import type { CommandRunner } from './settings-commands.js';

/** Flags every tenant command takes to find the store. */
interface StoreFlags {
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  readonly json?: boolean;
}

// Loaded only when a tenant command runs, so `waymark --help` stays quick.
const loadDeps = async () => {
  const [config, server] = await Promise.all([import('../config/index.js'), import('../server/command-line-services.js')]);
  return { config, server };
};

type ApiV1Services = import('../server/build-services.js').ApiV1Services;

async function withApiV1<T>(flags: StoreFlags, io: CliIo, work: (services: ApiV1Services) => Promise<T>): Promise<T> {
  const { config, server } = await loadDeps();
  const loaded = config.loadConfig(io.env, flags, io.cwd);
  return server.withCommandLineServices(loaded, io.env, (services) => work(services.apiV1));
}

function print(io: CliIo, json: boolean | undefined, document: Record<string, unknown>, text: string): void {
  io.writeOut(json === true ? `${JSON.stringify(document, null, 2)}\n` : `${text}\n`);
}

/**
 * Registers `waymark tenant create`, `waymark model publish|set` and `waymark token create` for
 * the `/api/v1` dialect. They work on the configured store directly (no server needed).
 */
export function registerTenantCommands(program: Command, io: CliIo, run: CommandRunner): void {

  const tenant = program.command('tenant').description('organizations and groups of the /api/v1 dialect');
  withStoreOptions(
    tenant
      .command('create')
      .description('create an organization, or a group of one with --parent')
      .requiredOption('--name <name>', 'display name')
      .option('--parent <organizationId>', 'the organization the new group belongs to'),
  ).action(async (options: StoreFlags & { name: string; parent?: string }) => {
    await run(options.json, () =>
      withApiV1(options, io, async ({ tenants }) => {
        const created = await tenants.createTenant({ name: options.name, ...(options.parent === undefined ? {} : { parentId: options.parent }) });
        print(io, options.json, { tenantId: created.id, type: created.type, name: created.name }, `${created.type} ${created.id} (${created.name})`);
        return 0;
      }),
    );
  });

  const model = program.command('model').description('workflow models (schemes published to a tenant) of the /api/v1 dialect');
  withStoreOptions(
    model
      .command('publish')
      .description('publish the latest version of a scheme to a tenant as a workflow model')
      .requiredOption('--scheme <code>', 'the scheme code')
      .requiredOption('--tenant <tenantId>', 'the owning tenant')
      .option('--name <name>', 'model name (default: the scheme name)')
      .option('--state <state>', 'active (default) or unpublished')
      .option('--public', 'anyone may start it (allowedTenantId: public)'),
  ).action(async (options: StoreFlags & { scheme: string; tenant: string; name?: string; state?: string; public?: boolean }) => {
    await run(options.json, () =>
      withApiV1(options, io, async ({ models }) => {
        const published = await models.publishModel({
          schemeCode: options.scheme,
          tenantId: options.tenant,
          ...(options.name === undefined ? {} : { name: options.name }),
          ...(options.state === undefined ? {} : { state: options.state as 'active' | 'unpublished' }),
          isPublic: options.public === true,
        });
        print(io, options.json, { wfModelId: published.id, name: published.name, state: published.state }, `model ${published.id} (${published.name}, ${published.state})`);
        return 0;
      }),
    );
  });
  withStoreOptions(
    model
      .command('set <wfModelId>')
      .description('change a model: its state and/or whether anyone may start it')
      .option('--state <state>', 'active or unpublished')
      .option('--public', 'anyone may start it')
      .option('--name <name>', 'new name'),
  ).action(async (wfModelId: string, options: StoreFlags & { state?: string; public?: boolean; name?: string }) => {
    await run(options.json, () =>
      withApiV1(options, io, async ({ models }) => {
        const changed = await models.updateModel(wfModelId, {
          ...(options.state === undefined ? {} : { state: options.state as 'active' | 'unpublished' }),
          ...(options.name === undefined ? {} : { name: options.name }),
          ...(options.public === true ? { permissions: [{ allowedTenantId: 'public', requiredPermission: null }] } : {}),
        });
        print(io, options.json, { wfModelId: changed.id, name: changed.name, state: changed.state, permissions: changed.permissions }, `model ${changed.id} (${changed.name}, ${changed.state})`);
        return 0;
      }),
    );
  });

  const token = program.command('token').description('API tokens of the /api/v1 dialect');
  withStoreOptions(
    token
      .command('create')
      .description('create an API token for a tenant; it is printed once and stored only hashed')
      .requiredOption('--tenant <tenantId>', 'the tenant the token acts for')
      .option('--permission <name>', 'a permission to grant (repeat; none = every permission)', (value: string, previous: string[] = []) => [...previous, value])
      .option('--name <name>', 'token name (the initiator name of instances it starts)')
      .option('--created-by <who>', 'the initiator of instances it starts (e.g. an email)'),
  ).action(async (options: StoreFlags & { tenant: string; permission?: string[]; name?: string; createdBy?: string }) => {
    await run(options.json, () =>
      withApiV1(options, io, async ({ tokens }) => {
        const { token: text, record } = await tokens.createToken({
          tenantId: options.tenant,
          ...(options.permission === undefined ? {} : { permissions: options.permission }),
          ...(options.name === undefined ? {} : { name: options.name }),
          ...(options.createdBy === undefined ? {} : { createdBy: options.createdBy }),
        });
        print(io, options.json, { token: text, tokenId: record.id, tenantId: record.tenantId, permissions: record.permissions }, `token: ${text}\n(shown once; permissions: ${record.permissions.join(', ')})`);
        return 0;
      }),
    );
  });
}
