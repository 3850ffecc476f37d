/**
 * Issue #17 item 10: the fields of `loginfo` / `logerror` / `logdebug` are the caller's; they stay
 * under `fields` in the log line, so a caller cannot forge a line that looks like another part's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.js';

test('when loginfo sends reqId, component, req, level and msg fields, then the line keeps them under "fields" only', async (t) => {
  const h = await startHarness(t);
  const response = await h.call('/workflowapi/logerror', {
    message: 'payment failed',
    reqId: 'req-forged',
    component: 'access',
    req: { method: 'POST', url: '/admin/login' },
    level: 30,
    msg: 'admin signed in',
    orderId: 'A-7',
  });
  assert.equal(response.body.success, true);
  const line = h.logLines.find((entry) => entry.msg === 'payment failed');
  assert.ok(line, 'the process log line is written');
  assert.equal(line.level, 50, 'logerror writes at error level whatever the fields say');
  for (const key of ['reqId', 'component', 'req', 'orderId']) assert.equal(key in line, false, `${key} is not a top-level key`);
  assert.deepEqual(line.fields, {
    reqId: 'req-forged',
    component: 'access',
    req: { method: 'POST', url: '/admin/login' },
    level: 30,
    msg: 'admin signed in',
    orderId: 'A-7',
  });
  assert.equal(h.logLines.some((entry) => entry.msg === 'admin signed in'), false);
});
