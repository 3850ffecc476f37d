/**
 * File actions inside the sandbox folder: the vendor's FileWriteRead.xml and DirectoryCompress.xml
 * run end to end; file actions are off without one. Attacks on the sandbox: file-sandbox.test.ts.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InstanceStatus } from '../../src/engine/index.js';
import { createRuntimeParts } from '../../src/runtime/index.js';
import { actor, openHarness, tempDir, type RuntimeHarness } from './runtime-kit.js';

const fixtures = fileURLToPath(new URL('../../../shared/fixtures/schemes/', import.meta.url));

async function sandboxed(t: TestContext, sandbox: string | null): Promise<RuntimeHarness> {
  const h = await openHarness(t);
  const parts = await createRuntimeParts({ store: h.store, clock: h.clock, env: sandbox ? { WAYMARK_FILE_SANDBOX: sandbox } : {} });
  return openHarness(t, { store: h.store, clock: h.clock, service: { external: parts.external, outbox: parts.outbox, fileActionsSandbox: parts.fileSandbox !== null } });
}

const context = { instance: {} as never, parameters: {}, identityId: null };

describe('file actions', () => {
  it("FileWriteRead.xml writes, reads (case-insensitively, as on the vendor's Windows), checks and deletes", async (t) => {
    const sandbox = tempDir(t);
    const h = await sandboxed(t, sandbox);
    // The fixture's CheckParameter spells its key `Parameter` (not `ParameterName`): it runs unchanged.
    const xml = readFileSync(`${fixtures}FileWriteRead.xml`, 'utf8');
    await h.service.saveScheme({ xml });
    const instance = await h.service.createInstance({ processId: 'f-1', schemeCode: 'FileWriteRead', actor, parameters: [] });
    assert.equal(instance.errorMessage, null);
    assert.equal(instance.activityName, 'FileAndParameterDelete');
    assert.equal(instance.status, InstanceStatus.Finalized);
    assert.deepEqual(readdirSync(sandbox), [], 'the file was deleted at the end');
  });

  it('DirectoryCompress.xml zips a folder, unzips it elsewhere, reads the files back and cleans up', async (t) => {
    const sandbox = tempDir(t);
    const h = await sandboxed(t, sandbox);
    await h.service.saveScheme({ xml: readFileSync(`${fixtures}DirectoryCompress.xml`, 'utf8') });
    const instance = await h.service.createInstance({ processId: 'f-2', schemeCode: 'DirectoryCompress', actor, parameters: [] });
    assert.equal(instance.errorMessage, null);
    assert.equal(instance.activityName, 'DirectoriesDelete');
    assert.deepEqual(readdirSync(sandbox), []);
  });

  it('without a sandbox folder a file action fails and says how to allow it', async (t) => {
    const h = await openHarness(t);
    const parts = await createRuntimeParts({ store: h.store, clock: h.clock, env: {} });
    await assert.rejects(parts.external.executeAction('FileWrite', '{"Path":"a.txt","Text":"x"}', context), /file actions are off; set WAYMARK_FILE_SANDBOX/);
  });
});
