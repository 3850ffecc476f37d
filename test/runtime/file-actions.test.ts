/**
 * File actions are off without a sandbox folder. Inside one, FileWriteRead.xml and
 * DirectoryCompress.xml run end to end in fixture-runs.ts; attacks on the sandbox are in
 * file-sandbox.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRuntimeParts } from '../../src/runtime/index.js';
import { openHarness } from './runtime-kit.js';

const context = { instance: {} as never, parameters: {}, identityId: null };

describe('file actions', () => {
  it('without a sandbox folder a file action fails and says how to allow it', async (t) => {
    const h = await openHarness(t);
    const parts = await createRuntimeParts({ store: h.store, clock: h.clock, env: {} });
    await assert.rejects(parts.external.executeAction('FileWrite', '{"Path":"a.txt","Text":"x"}', context), /file actions are off; set WAYMARK_FILE_SANDBOX/);
  });
});
