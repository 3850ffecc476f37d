/**
 * File actions inside the sandbox folder: paths that leave the sandbox are refused; file actions
 * are off without one. FileWriteRead.xml and DirectoryCompress.xml run end to end in
 * fixture-runs.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRuntimeParts } from '../../src/runtime/index.js';
import { runFileAction } from '../../src/actions/files.js';
import { readZip, writeZip } from '../../src/actions/zip-archive.js';
import { openHarness, tempDir } from './runtime-kit.js';

const context = { instance: {} as never, parameters: {}, identityId: null };

describe('file actions', () => {
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
