/**
 * The Workflow API accepts its token in the query string, so the real server must never log
 * request URLs with it. Drives the real HTTP shell and reads every log line it wrote.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsService } from '../../src/access/index.js';
import { capturingLogger, TEST_API_TOKEN } from '../../src/access/testing.js';
import { loadConfig } from '../../src/config/index.js';
import { buildApp, installedPlugins } from '../../src/server/index.js';
import { ManualClock } from '../../src/services/index.js';
import { createSqliteStore } from '../../src/store/index.js';

test(
  'neither a right nor a wrong token in the query string reaches the log of the real server',
  async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'waymark-log-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const store = await createSqliteStore({ filename: ':memory:' });
    await new SettingsService(store).setApiToken(TEST_API_TOKEN);
    const { logger, logText } = capturingLogger();
    const app = await buildApp({ config: loadConfig({}, { dataDir }, dataDir), store, logger, clock: new ManualClock(), plugins: installedPlugins() });
    t.after(() => app.close());
    const wrong = 'a-wrong-query-token-0123456789';
    await app.inject({ method: 'GET', url: `/workflowapi/getschemelist?token=${wrong}` });
    await app.inject({ method: 'GET', url: `/workflowapi/getschemelist?token=${TEST_API_TOKEN}` });
    assert.ok(logText().length > 0, 'the server logged the requests');
    assert.equal(logText().includes(wrong), false, 'wrong token logged');
    assert.equal(logText().includes(TEST_API_TOKEN), false, 'API token logged');
  },
);
