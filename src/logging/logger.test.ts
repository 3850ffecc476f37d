import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from './logger.js';
import { redactSecrets, REDACTED } from './redact.js';

/** A logger whose lines are parsed into `lines`. */
function collectingLogger(level: 'info' | 'debug' | 'warn' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

test('secret fields at the top level are redacted, other fields kept', () => {
  const { logger, lines } = collectingLogger();
  logger.info({ token: 'tok-1', password: 'pw-1', client_secret: 'cs-1', authorization: 'Bearer abc', cookie: 'sid=1', user: 'ann' }, 'login');
  const [line] = lines;
  assert.ok(line);
  assert.equal(line.msg, 'login');
  assert.equal(line.user, 'ann');
  for (const key of ['token', 'password', 'client_secret', 'authorization', 'cookie']) {
    assert.equal(line[key], REDACTED, key);
  }
});

test('nested secrets are redacted at any depth and in arrays, whatever the letter case', () => {
  const { logger, lines } = collectingLogger();
  logger.info({
    request: { headers: { Authorization: 'Bearer deep', Cookie: 'sid=2', accept: 'application/json' } },
    callback: { server: { options: { clientSecret: 'cs-2', url: 'http://cb.local' } } },
    users: [{ name: 'bob', password: 'pw-2' }],
  });
  const serialized = JSON.stringify(lines);
  for (const secret of ['Bearer deep', 'sid=2', 'cs-2', 'pw-2']) assert.equal(serialized.includes(secret), false, secret);
  const line = lines[0] as { request: { headers: Record<string, string> }; callback: { server: { options: Record<string, string> } }; users: { name: string; password: string }[] };
  assert.equal(line.request.headers.Authorization, REDACTED);
  assert.equal(line.request.headers.accept, 'application/json');
  assert.equal(line.callback.server.options.url, 'http://cb.local');
  assert.equal(line.users[0]?.password, REDACTED);
  assert.equal(line.users[0]?.name, 'bob');
});

test('secrets in child bindings and on logged errors are redacted', () => {
  const { logger, lines } = collectingLogger();
  const failure = Object.assign(new Error('callback failed'), { options: { headers: { authorization: 'Bearer from-error' } } });
  logger.child({ token: 'bound-token', component: 'callbacks' }).error({ err: failure }, 'call failed');
  const serialized = JSON.stringify(lines);
  assert.equal(serialized.includes('bound-token'), false);
  assert.equal(serialized.includes('from-error'), false);
  const line = lines[0] as { component: string; err: { message: string; type: string } };
  assert.equal(line.component, 'callbacks');
  assert.equal(line.err.message, 'callback failed');
  assert.equal(line.err.type, 'Error');
});

test('the level filters lines', () => {
  const { logger, lines } = collectingLogger('warn');
  logger.info('hidden');
  logger.warn('shown');
  assert.deepEqual(lines.map((line) => line.msg), ['shown']);
});

test('redactSecrets copies instead of changing the logged object and survives cycles', () => {
  const original: Record<string, unknown> = { password: 'keep-me', nested: { token: 't' } };
  original.self = original;
  const copy = redactSecrets(original);
  assert.equal(original.password, 'keep-me');
  assert.equal((original.nested as { token: string }).token, 't');
  assert.equal(copy.password, REDACTED);
  assert.equal(copy.self, '[Circular]');
});

test('empty secret fields stay empty so a missing value is still visible', () => {
  assert.deepEqual(redactSecrets({ token: null, password: undefined }), { token: null, password: undefined });
});

test('secrets one level down in child bindings are redacted too', () => {
  const { logger, lines } = collectingLogger();
  logger.child({ callbackServer: { url: 'http://cb.local', token: 'cb-token' } }).child({ password: 'grandchild-pw' }).info('ready');
  const serialized = JSON.stringify(lines);
  assert.equal(serialized.includes('cb-token'), false);
  assert.equal(serialized.includes('grandchild-pw'), false);
  assert.equal((lines[0] as { callbackServer: { url: string } }).callbackServer.url, 'http://cb.local');
});

test('child bindings lose their secrets at any depth and in any spelling, in children of children too', () => {
  const { logger, lines } = collectingLogger();
  logger
    .child({ callback: { server: { options: { Client_Secret: 'deep-secret', url: 'http://cb.local' } } } })
    .child({ session: { ACCESS_TOKEN: 'grandchild-token' }, reqId: 'req-1' })
    .info('ready');
  const serialized = JSON.stringify(lines);
  assert.equal(serialized.includes('deep-secret'), false);
  assert.equal(serialized.includes('grandchild-token'), false);
  const line = lines[0] as { callback: { server: { options: Record<string, string> } }; session: Record<string, string>; reqId: string };
  assert.equal(line.callback.server.options.Client_Secret, REDACTED);
  assert.equal(line.callback.server.options.url, 'http://cb.local');
  assert.equal(line.session.ACCESS_TOKEN, REDACTED);
  assert.equal(line.reqId, 'req-1');
});

test('errors logged directly or nested under other keys keep their type and lose their secrets', () => {
  const { logger, lines } = collectingLogger();
  const failure = Object.assign(new TypeError('bad call'), { password: 'err-pw' });
  logger.error(failure);
  logger.warn({ attempt: { lastError: failure } }, 'retrying');
  assert.equal(JSON.stringify(lines).includes('err-pw'), false);
  assert.equal((lines[0] as { err: { type: string } }).err.type, 'TypeError');
  assert.equal((lines[1] as { attempt: { lastError: { type: string; message: string } } }).attempt.lastError.type, 'TypeError');
});

test('secrets deep in child bindings are redacted in any letter case, also when bindings are replaced later', () => {
  const { logger, lines } = collectingLogger();
  const child = logger.child({ callback: { server: { headers: { 'Proxy-Authorization': 'Basic deep-binding' }, url: 'http://cb.local' } } });
  child.info('first');
  child.setBindings({ session: { Client_Secret: 'replaced-binding' } });
  child.info('second');
  const serialized = JSON.stringify(lines);
  assert.equal(serialized.includes('deep-binding'), false);
  assert.equal(serialized.includes('replaced-binding'), false);
  assert.equal((lines[0] as { callback: { server: { url: string } } }).callback.server.url, 'http://cb.local');
  assert.equal((lines[1] as { session: { Client_Secret: string } }).session.Client_Secret, REDACTED);
});

test('a child logger with its own level or no options (as fastify makes one per request) keeps its bindings', () => {
  const { logger, lines } = collectingLogger();
  logger.child({ reqId: 'req-1' }, {}).info('plain');
  logger.child({ reqId: 'req-2' }, { level: 'debug' }).debug('detailed');
  assert.deepEqual(lines.map((line) => [line.reqId, line.msg]), [['req-1', 'plain'], ['req-2', 'detailed']]);
});

test('flat child bindings (no objects) are still redacted by name, with their other values kept', () => {
  const { logger, lines } = collectingLogger();
  logger.child({ reqId: 'req-1', 'Client-Secret': 'flat-secret', attempt: 2, retried: true, missing: null }, {}).info('flat');
  assert.equal(JSON.stringify(lines).includes('flat-secret'), false);
  assert.deepEqual(lines[0], { ...lines[0], reqId: 'req-1', 'Client-Secret': REDACTED, attempt: 2, retried: true, missing: null });
});

test('objects interpolated into the message lose their secrets', () => {
  const { logger, lines } = collectingLogger();
  logger.info('calling %j', { url: 'http://cb.local', options: { headers: { Authorization: 'Bearer interpolated' } } });
  logger.info({ attempt: 2 }, 'retrying %o', { password: 'interpolated-pw' });
  const serialized = JSON.stringify(lines);
  assert.equal(serialized.includes('interpolated'), false);
  assert.ok(String(lines[0]?.msg).includes('http://cb.local'));
  assert.equal(lines[1]?.attempt, 2);
});
