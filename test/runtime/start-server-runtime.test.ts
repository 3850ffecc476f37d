/**
 * The runtime inside the real server: a timer that came due while the server was down fires when
 * `startServer` starts, and `close` stops the scheduler before the store.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logging/index.js';
import { startServer } from '../../src/server/index.js';
import { ManualClock, WorkflowService } from '../../src/services/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { actor, tempDir, timerSchemeXml } from './runtime-kit.js';

it('startServer starts the runtime: a timer due while the server was down fires on start', async (t) => {
  const dataDir = tempDir(t);
  const clock = new ManualClock('2026-03-02T08:00:00.000Z');
  const before = await createSqliteStore({ dataDir });
  const offline = new WorkflowService({ store: before, clock });
  await offline.saveScheme({ xml: timerSchemeXml({ type: 'Interval', value: '10minutes' }) });
  await offline.createInstance({ processId: 'p-1', schemeCode: 'TimerScheme', actor, parameters: [] });
  await before.close();

  clock.advance(60 * 60_000);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', WAYMARK_DATA_DIR: dataDir }, {});
  const server = await startServer(config, { clock, handleSignals: false, logger: createLogger({ level: 'silent' }), env: {} });
  t.after(() => server.close());

  const reader = await createSqliteStore({ dataDir });
  t.after(() => reader.close());
  // The first round runs on the next turn of the event loop; wait for its commit (bounded).
  let activity = '';
  for (let attempt = 0; attempt < 500 && activity !== 'Done'; attempt += 1) {
    activity = (await reader.getInstance('p-1'))?.activityName ?? '';
    if (activity !== 'Done') await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(activity, 'Done');
  assert.equal((await reader.getHistory('p-1')).filter((r) => r.triggerType === 'Timer').length, 1);
  await server.close();
});
