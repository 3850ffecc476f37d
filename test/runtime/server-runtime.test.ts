/**
 * The runtime as the server wires it: the service gets the router and outbox, the runtime fires
 * timers and logs failures, and stop leaves no wake-up planned (the process can exit).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createSqliteStore } from '../../src/store/index.js';
import { ManualClock, WorkflowService } from '../../src/services/index.js';
import { createServerRuntime } from '../../src/runtime/index.js';
import { FakeTimers } from '../../src/runtime/testing.js';
import { actor, timerSchemeXml } from './runtime-kit.js';

it('createServerRuntime + attach: timers fire, failures are logged, stop cancels every wake-up', async (t) => {
  const store = await createSqliteStore({ filename: ':memory:' });
  t.after(() => store.close());
  await store.setSetting('callbackServers', [{ baseUrl: 'http://127.0.0.1:9/callback' }]);
  const clock = new ManualClock('2026-03-02T08:00:00.000Z');
  const timers = new FakeTimers(clock);
  const warnings: string[] = [];
  const server = await createServerRuntime({ store, clock, env: {}, fileSandbox: null, setTimer: timers.setTimer, logger: { warn: (_o, m) => warnings.push(m) } });
  assert.equal(await server.parts.callbackServerConfigured(), true);
  assert.equal(server.serviceOptions.fileActionsSandbox, false);
  const service = new WorkflowService({ store, clock, ...server.serviceOptions });
  const runtime = server.attach(service);
  runtime.start();

  await service.saveScheme({ xml: timerSchemeXml({ type: 'Interval', value: '1minute' }) });
  await service.createInstance({ processId: 'p-1', schemeCode: 'TimerScheme', actor, parameters: [] });
  timers.advance(60_000);
  await runtime.whenIdle();
  await new Promise((resolve) => setImmediate(resolve));
  await runtime.whenIdle();
  assert.equal((await service.getInstance('p-1')).activityName, 'Done');

  await runtime.stop();
  assert.deepEqual(timers.pendingDelays, [], 'nothing left to wake the stopped runtime');
  // The configured callback server (a blocked port, so nothing is sent) cannot take the
  // Finalized notification: the failure is logged and the message kept for a retry.
  assert.match(warnings[0] ?? '', /^Runtime: outbox message \d+ \(processStatusChanged\) of process p-1 failed: Callback server callback-server-1 \(processstatuschanged\): cannot reach http:\/\/127\.0\.0\.1:9/);
  assert.equal((await store.listOutboxMessages({ processId: 'p-1' }))[0]?.attempts, 1);
});
