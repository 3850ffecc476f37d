/**
 * File actions inside the sandbox folder: the vendor's FileWriteRead.xml and DirectoryCompress.xml
 * run end to end; paths that leave the sandbox are refused; file actions are off without one.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InstanceStatus } from '../../src/engine/index.js';
import { createRuntimeParts } from '../../src/runtime/index.js';
import { runFileAction } from '../../src/actions/files.js';
import { readZip, writeZip } from '../../src/actions/zip-archive.js';
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

  it('refuses paths that leave the sandbox: .., absolute paths, links out, archive entries', async (t) => {
    const sandbox = tempDir(t);
    const outside = tempDir(t, 'waymark-outside-');
    for (const path of ['../escape.txt', 'a/../../escape.txt', '/etc/passwd', 'C:\\\\Windows\\\\x.txt']) {
      await assert.rejects(runFileAction('FileWrite', JSON.stringify({ Path: path, Text: 'x' }), context, sandbox), (e: Error) => /leaves the sandbox|is absolute/.test(e.message), path);
    }
    symlinkSync(outside, join(sandbox, 'link'));
    await assert.rejects(runFileAction('FileWrite', JSON.stringify({ Path: 'link/x.txt', Text: 'x' }), context, sandbox), /leaves the sandbox folder through a link/);
    assert.deepEqual(readdirSync(outside), []);

    writeFileSync(join(sandbox, 'evil.zip'), writeZip([{ name: '../../evil.txt', data: Buffer.from('x') }]));
    mkdirSync(join(sandbox, 'into'));
    await assert.rejects(runFileAction('FileUncompress', JSON.stringify({ ArchivePath: 'evil', DirectoryPath: 'into' }), context, sandbox), /would leave the target folder/);
    assert.equal(existsSync(join(sandbox, '..', 'evil.txt')), false);
    assert.deepEqual(readZip(writeZip([{ name: 'a/b.txt', data: Buffer.from('hello') }]), 100).map((e) => [e.name, e.data.toString()]), [['a/b.txt', 'hello']]);
  });

  it('without a sandbox folder a file action fails and says how to allow it', async (t) => {
    const h = await openHarness(t);
    const parts = await createRuntimeParts({ store: h.store, clock: h.clock, env: {} });
    await assert.rejects(parts.external.executeAction('FileWrite', '{"Path":"a.txt","Text":"x"}', context), /file actions are off; set WAYMARK_FILE_SANDBOX/);
  });
});
