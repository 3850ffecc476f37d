import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { ManualClock } from './clock.js';
import { InMemoryLogRecords, LogService } from './log-service.js';

function collectingLogger(lines: Record<string, unknown>[]) {
  return pino({ level: 'debug' }, new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  }));
}

test('a log entry becomes a pino line with its fields and a stored, queryable entry; secrets are redacted in both', async () => {
  const lines: Record<string, unknown>[] = [];
  const clock = new ManualClock('2026-05-01T10:00:00.000Z');
  const logs = new LogService({ records: new InMemoryLogRecords(), logger: collectingLogger(lines), clock });
  await logs.write('info', 'first', { orderId: 7, password: 'pw', level: 'shadow' });
  clock.advance(1000);
  await logs.write('error', 'second failure', {});
  const fields = lines[0]?.fields as Record<string, unknown> | undefined;
  assert.equal(fields?.orderId, 7);
  assert.equal(fields?.password, '[Redacted]');
  assert.equal(lines[0]?.level, 30);
  assert.equal(fields?.level, 'shadow');
  const all = await logs.query();
  assert.deepEqual(all.items.map((e) => e.message), ['second failure', 'first']);
  assert.equal(all.items[1]?.properties.password, '[Redacted]');
  assert.equal((await logs.query({ search: 'FAIL' })).total, 1);
  assert.equal((await logs.query({ from: '2026-05-01T10:00:00.500Z' })).items[0]?.message, 'second failure');
});

test('a log entry without a message is refused', async () => {
  const logs = new LogService({ records: new InMemoryLogRecords(), logger: collectingLogger([]) });
  await assert.rejects(logs.write('debug', '  '), { code: 'WM_INPUT_MISSING' });
  await assert.rejects(logs.write('info', 42), { code: 'WM_INPUT_MISSING' });
});

test('a caller cannot set a top-level key of the log line: its fields stay under "fields"', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = collectingLogger(lines).child({ component: 'workflow-api', reqId: 'req-real' });
  const logs = new LogService({ records: new InMemoryLogRecords(), logger, clock: new ManualClock('2026-05-01T10:00:00.000Z') });
  const forged = {
    reqId: 'req-forged',
    component: 'access',
    req: { method: 'POST', url: '/admin/login' },
    res: { statusCode: 200 },
    err: { message: 'forged failure' },
    level: 60,
    msg: 'admin signed in',
    time: 0,
    pid: 1,
    hostname: 'forged-host',
    name: 'forged',
    source: 'access',
    fields: { nested: 'still under fields' },
    orderId: 7,
  };
  await logs.write('info', 'order placed', forged);
  const [line] = lines;
  assert.ok(line);
  const topLevel = Object.keys(line).sort();
  assert.deepEqual(topLevel, ['component', 'fields', 'hostname', 'level', 'msg', 'pid', 'reqId', 'source', 'time'].sort());
  assert.equal(line.reqId, 'req-real');
  assert.equal(line.component, 'workflow-api');
  assert.equal(line.source, 'workflowapi-log');
  assert.equal(line.level, 30);
  assert.equal(line.msg, 'order placed');
  assert.notEqual(line.hostname, 'forged-host');
  assert.deepEqual(line.fields, forged, 'every caller field is kept, under its own key');
});
