/**
 * `waymark tenant create`, `waymark model publish|set` and `waymark token create`, run as a real
 * child process against a temporary data folder; then a server over the same folder accepts the
 * created token.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiV1Services } from '../../src/server/index.js';
import { WorkflowService } from '../../src/services/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { timeOffScheme } from './harness.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin', 'waymark.js');

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('WAYMARK_') && key !== 'PORT' && key !== 'HOST' && key !== 'DATABASE_URL') env[key] = value;
  }
  return env;
}

function waymark(cwd: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(), timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

function workFolder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-api-v1-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('tenant create, model publish and token create print JSON; the token works against the same store', async (t) => {
  const cwd = workFolder(t);
  const schemeFile = join(cwd, 'time-off.json');
  writeFileSync(schemeFile, JSON.stringify(timeOffScheme()));
  assert.equal((await waymark(cwd, ['scheme', 'import', schemeFile, '--json'])).code, 0);

  const organization = await waymark(cwd, ['tenant', 'create', '--name', 'Acme', '--json']);
  assert.equal(organization.code, 0, organization.stderr);
  const { tenantId: organizationId } = JSON.parse(organization.stdout) as { tenantId: string };
  const group = await waymark(cwd, ['tenant', 'create', '--name', 'Acme Sales', '--parent', organizationId, '--json']);
  const { tenantId: groupId, type } = JSON.parse(group.stdout) as { tenantId: string; type: string };
  assert.equal(type, 'group');

  const published = await waymark(cwd, ['model', 'publish', '--scheme', 'TimeOff', '--tenant', groupId, '--name', 'Leave', '--state', 'unpublished', '--public', '--json']);
  assert.equal(published.code, 0, published.stderr);
  const { wfModelId } = JSON.parse(published.stdout) as { wfModelId: string };
  const activated = await waymark(cwd, ['model', 'set', wfModelId, '--state', 'active', '--json']);
  assert.equal(JSON.parse(activated.stdout).state, 'active');

  const all = await waymark(cwd, ['token', 'create', '--tenant', groupId, '--json']);
  const { token, permissions } = JSON.parse(all.stdout) as { token: string; permissions: string[] };
  assert.deepEqual(permissions, ['*']);
  const narrow = await waymark(cwd, ['token', 'create', '--tenant', groupId, '--permission', 'list-workflow-models', '--permission', 'list-user-tasks', '--json']);
  assert.deepEqual(JSON.parse(narrow.stdout).permissions, ['list-workflow-models', 'list-user-tasks']);

  const unknownTenant = await waymark(cwd, ['token', 'create', '--tenant', 'nope', '--json']);
  assert.equal(unknownTenant.code, 1);
  assert.equal(JSON.parse(unknownTenant.stdout).error.code, 'WM_NOT_FOUND');
  const badState = await waymark(cwd, ['model', 'publish', '--scheme', 'TimeOff', '--tenant', groupId, '--state', 'paused']);
  assert.equal(badState.code, 1);
  assert.match(badState.stderr, /state must be one of active, unpublished/);

  const store = await createSqliteStore({ dataDir: join(cwd, 'data') });
  t.after(() => store.close());
  const services = createApiV1Services(new WorkflowService({ store }), store);
  const caller = await services.tokens.authenticate(`Bearer ${token}`);
  assert.equal(caller.token.tenantId, groupId);
  const models = await services.models.listModels([groupId]);
  assert.deepEqual(models.map((m) => [m.wfModelId, m.name, m.state, m.permissions]), [[wfModelId, 'Leave', 'active', [{ allowedTenantId: 'public', requiredPermission: null }]]]);
});
