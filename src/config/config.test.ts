import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, describeConfig } from './config.js';
import { isWaymarkError } from '../errors/index.js';

const CWD = '/srv/waymark';

/** Asserts that loading fails with WM_CONFIG_INVALID and a message containing `expected`. */
function assertInvalid(load: () => unknown, expected: string): void {
  assert.throws(load, (error: unknown) => {
    assert.ok(isWaymarkError(error, 'WM_CONFIG_INVALID'), `expected WM_CONFIG_INVALID, got ${String(error)}`);
    assert.ok(error.message.includes(expected), `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(expected)}`);
    return true;
  });
}

test('with nothing set, every setting has its default', () => {
  const config = loadConfig({}, {}, CWD);
  assert.deepEqual(config, {
    port: 8077,
    host: '0.0.0.0',
    dataDir: '/srv/waymark/data',
    databaseUrl: null,
    publicUrl: null,
    logLevel: 'info',
    fileSandbox: null,
    bodyLimit: 1048576,
    maxAutoSteps: 1000,
    sqliteWriterThread: false,
    trustProxy: false,
    allowedHosts: [],
    taskLinkLifetimeMs: 30 * 24 * 60 * 60_000,
  });
});

test('WAYMARK_SQLITE_WRITER_THREAD turns the SQLite writer thread on or off; anything else is refused by name', () => {
  for (const on of ['true', 'on', '1', ' TRUE ']) assert.equal(loadConfig({ WAYMARK_SQLITE_WRITER_THREAD: on }, {}, CWD).sqliteWriterThread, true);
  for (const off of ['false', 'off', '0']) assert.equal(loadConfig({ WAYMARK_SQLITE_WRITER_THREAD: off }, {}, CWD).sqliteWriterThread, false);
  assertInvalid(() => loadConfig({ WAYMARK_SQLITE_WRITER_THREAD: 'yes please' }, {}, CWD), 'WAYMARK_SQLITE_WRITER_THREAD must be true or false');
});

test('the config is frozen', () => {
  const config = loadConfig({}, {}, CWD);
  assert.ok(Object.isFrozen(config));
  assert.throws(() => {
    (config as { port: number }).port = 1;
  }, TypeError);
});

test('empty environment variables count as unset', () => {
  const config = loadConfig({ PORT: '', HOST: '', WAYMARK_LOG_LEVEL: '' }, {}, CWD);
  assert.equal(config.port, 8077);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.logLevel, 'info');
});

test('PORT sets the port; 0 asks for any free port', () => {
  assert.equal(loadConfig({ PORT: '9000' }, {}, CWD).port, 9000);
  assert.equal(loadConfig({ PORT: '0' }, {}, CWD).port, 0);
});

test('an invalid PORT names the variable and the value', () => {
  assertInvalid(() => loadConfig({ PORT: 'abc' }, {}, CWD), 'PORT must be an integer from 1 to 65535');
  assertInvalid(() => loadConfig({ PORT: 'abc' }, {}, CWD), 'got "abc"');
  assertInvalid(() => loadConfig({ PORT: '65536' }, {}, CWD), 'got "65536"');
  assertInvalid(() => loadConfig({ PORT: '-1' }, {}, CWD), 'got "-1"');
  assertInvalid(() => loadConfig({ PORT: '80.5' }, {}, CWD), 'got "80.5"');
});

test('an invalid --port flag names the flag, not the variable', () => {
  assertInvalid(() => loadConfig({ PORT: '9000' }, { port: 'x1' }, CWD), '--port must be an integer from 1 to 65535');
});

test('flags override environment variables', () => {
  const config = loadConfig(
    {
      PORT: '9000',
      HOST: '127.0.0.1',
      WAYMARK_DATA_DIR: '/var/env-data',
      DATABASE_URL: 'postgres://env@db/waymark',
      WAYMARK_PUBLIC_URL: 'https://env.example.com',
      WAYMARK_LOG_LEVEL: 'warn',
    },
    {
      port: '9100',
      host: 'localhost',
      dataDir: 'flag-data',
      databaseUrl: 'postgresql://flag@db/waymark',
      publicUrl: 'http://flag.example.com:8080',
      logLevel: 'debug',
    },
    CWD,
  );
  assert.equal(config.port, 9100);
  assert.equal(config.host, 'localhost');
  assert.equal(config.dataDir, '/srv/waymark/flag-data');
  assert.equal(config.databaseUrl, 'postgresql://flag@db/waymark');
  assert.equal(config.publicUrl, 'http://flag.example.com:8080');
  assert.equal(config.logLevel, 'debug');
});

test('a numeric --port flag is accepted as well as a string', () => {
  assert.equal(loadConfig({}, { port: 8123 }, CWD).port, 8123);
});

test('HOST accepts host names and IPv4/IPv6 addresses and refuses junk', () => {
  assert.equal(loadConfig({ HOST: '127.0.0.1' }, {}, CWD).host, '127.0.0.1');
  assert.equal(loadConfig({ HOST: '::' }, {}, CWD).host, '::');
  assert.equal(loadConfig({ HOST: 'waymark.internal' }, {}, CWD).host, 'waymark.internal');
  assertInvalid(() => loadConfig({ HOST: 'not a host' }, {}, CWD), 'HOST must be a host name or IP address');
  assertInvalid(() => loadConfig({}, { host: 'http://x' }, CWD), '--host must be a host name or IP address such as 0.0.0.0 or 127.0.0.1, got "http://x"');
});

test('WAYMARK_DATA_DIR is resolved against the working folder', () => {
  assert.equal(loadConfig({ WAYMARK_DATA_DIR: 'state' }, {}, CWD).dataDir, '/srv/waymark/state');
  assert.equal(loadConfig({ WAYMARK_DATA_DIR: '/var/lib/waymark' }, {}, CWD).dataDir, '/var/lib/waymark');
  assertInvalid(() => loadConfig({}, { dataDir: '  ' }, CWD), '--data-dir must be a folder path');
});

test('DATABASE_URL must be a PostgreSQL URL and its password never appears in the error', () => {
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/w' }, {}, CWD).databaseUrl, 'postgres://u:p@db:5432/w');
  assertInvalid(() => loadConfig({ DATABASE_URL: 'mysql://u:secret@db/w' }, {}, CWD), 'DATABASE_URL must be a PostgreSQL URL');
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'mysql://u:secret@db/w' }, {}, CWD),
    (error: Error) => !error.message.includes('secret') && error.message.includes('mysql://u:***@db/w'),
  );
  assertInvalid(() => loadConfig({ DATABASE_URL: 'not a url' }, {}, CWD), 'DATABASE_URL must be a PostgreSQL URL');
});

test('describeConfig masks every credential of the database URL for logging', () => {
  const forms = {
    'postgres://waymark:hunter2@db/waymark': 'postgres://waymark:***@db/waymark',
    'postgres://db/waymark?user=waymark&password=hunter2': 'postgres://db/waymark?user=waymark&password=***',
    'postgres://waymark@db/waymark?sslpassword=hunter2&sslkey=%2Fkeys%2Fhunter2.key': 'postgres://waymark@db/waymark?sslpassword=***&sslkey=***',
  };
  for (const [url, masked] of Object.entries(forms)) {
    const described = describeConfig(loadConfig({ DATABASE_URL: url }, {}, CWD));
    assert.equal(described.databaseUrl, masked);
    assert.equal(JSON.stringify(described).includes('hunter2'), false, url);
  }
});

test('WAYMARK_PUBLIC_URL must be an http(s) URL and loses its trailing slash', () => {
  assert.equal(loadConfig({ WAYMARK_PUBLIC_URL: 'https://wf.example.com/' }, {}, CWD).publicUrl, 'https://wf.example.com');
  assert.equal(loadConfig({ WAYMARK_PUBLIC_URL: 'http://host:81/waymark/' }, {}, CWD).publicUrl, 'http://host:81/waymark');
  assertInvalid(() => loadConfig({ WAYMARK_PUBLIC_URL: 'ftp://wf.example.com' }, {}, CWD), 'WAYMARK_PUBLIC_URL must be an http(s) URL');
  assertInvalid(() => loadConfig({ WAYMARK_PUBLIC_URL: 'wf.example.com' }, {}, CWD), 'got "wf.example.com"');
  assertInvalid(() => loadConfig({}, { publicUrl: 'https://x.example.com/?a=1' }, CWD), '--public-url must be an http(s) URL');
});

test('WAYMARK_LOG_LEVEL takes a pino level, case-insensitively', () => {
  assert.equal(loadConfig({ WAYMARK_LOG_LEVEL: 'DEBUG' }, {}, CWD).logLevel, 'debug');
  assert.equal(loadConfig({ WAYMARK_LOG_LEVEL: 'silent' }, {}, CWD).logLevel, 'silent');
  assertInvalid(() => loadConfig({ WAYMARK_LOG_LEVEL: 'verbose' }, {}, CWD), 'WAYMARK_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"');
  assertInvalid(() => loadConfig({}, { logLevel: 'loud' }, CWD), '--log-level must be one of');
});

test('WAYMARK_FILE_SANDBOX must name an existing folder', (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'waymark-sandbox-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  assert.equal(loadConfig({ WAYMARK_FILE_SANDBOX: folder }, {}, CWD).fileSandbox, folder);

  const file = join(folder, 'a-file.txt');
  writeFileSync(file, 'x');
  assertInvalid(() => loadConfig({ WAYMARK_FILE_SANDBOX: file }, {}, CWD), 'WAYMARK_FILE_SANDBOX must be an existing folder');
  assertInvalid(() => loadConfig({ WAYMARK_FILE_SANDBOX: join(folder, 'missing') }, {}, CWD), 'WAYMARK_FILE_SANDBOX must be an existing folder');
});

test('WAYMARK_BODY_LIMIT is a positive number of bytes', () => {
  assert.equal(loadConfig({ WAYMARK_BODY_LIMIT: '2048' }, {}, CWD).bodyLimit, 2048);
  assertInvalid(() => loadConfig({ WAYMARK_BODY_LIMIT: '0' }, {}, CWD), 'WAYMARK_BODY_LIMIT must be a number of bytes from 1 to 1073741824, got "0"');
  assertInvalid(() => loadConfig({ WAYMARK_BODY_LIMIT: '1mb' }, {}, CWD), 'got "1mb"');
});

test('WAYMARK_MAX_AUTO_STEPS is a positive integer', () => {
  assert.equal(loadConfig({ WAYMARK_MAX_AUTO_STEPS: '50' }, {}, CWD).maxAutoSteps, 50);
  assertInvalid(() => loadConfig({ WAYMARK_MAX_AUTO_STEPS: '0' }, {}, CWD), 'WAYMARK_MAX_AUTO_STEPS must be an integer from 1 to 1000000, got "0"');
  assertInvalid(() => loadConfig({ WAYMARK_MAX_AUTO_STEPS: 'many' }, {}, CWD), 'got "many"');
});

test('the error carries the setting name in its context', () => {
  assert.throws(
    () => loadConfig({ PORT: 'abc' }, {}, CWD),
    (error: unknown) => isWaymarkError(error) && error.context.setting === 'PORT' && error.context.value === 'abc',
  );
});

test('WAYMARK_TRUST_PROXY is off by default, and a public URL alone trusts no forwarded header', () => {
  assert.equal(loadConfig({}, {}, CWD).trustProxy, false);
  assert.equal(loadConfig({ WAYMARK_PUBLIC_URL: 'https://workflow.example.com' }, {}, CWD).trustProxy, false);
  for (const off of ['false', 'off', '0']) assert.equal(loadConfig({ WAYMARK_TRUST_PROXY: off }, {}, CWD).trustProxy, false);
});

test('WAYMARK_TRUST_PROXY takes a hop count or a list of proxy addresses and CIDR ranges', () => {
  assert.equal(loadConfig({ WAYMARK_TRUST_PROXY: '2' }, {}, CWD).trustProxy, 2);
  assert.deepEqual(
    loadConfig({ WAYMARK_TRUST_PROXY: '10.0.0.5, 192.168.0.0/16,fd00::/8, ::1, loopback' }, {}, CWD).trustProxy,
    ['10.0.0.5', '192.168.0.0/16', 'fd00::/8', '::1', 'loopback'],
  );
});

test('WAYMARK_TRUST_PROXY refuses "trust everyone" and anything that is not an address, a range or a count', () => {
  assertInvalid(() => loadConfig({ WAYMARK_TRUST_PROXY: 'true' }, {}, CWD), 'trusting every peer is refused');
  for (const bad of ['proxy.example.com', '10.0.0.0/33', '10.0.0.1/8/1', '::1/129', '33', '10.0.0.1,,10.0.0.2', '-1']) {
    assertInvalid(() => loadConfig({ WAYMARK_TRUST_PROXY: bad }, {}, CWD), 'WAYMARK_TRUST_PROXY must be off, a number of proxy hops');
  }
});

test('WAYMARK_ALLOWED_HOSTS takes host names and addresses, with optional ports, in lower case', () => {
  assert.deepEqual(loadConfig({ WAYMARK_ALLOWED_HOSTS: 'Workflow.Example.com, 10.0.0.5:8077,[fd00::1]:8077' }, {}, CWD).allowedHosts, [
    'workflow.example.com',
    '10.0.0.5:8077',
    '[fd00::1]:8077',
  ]);
  for (const bad of ['https://workflow.example.com', 'evil.com/path', 'user@host', '*.example.com', 'a,,b', 'host:port']) {
    assertInvalid(() => loadConfig({ WAYMARK_ALLOWED_HOSTS: bad }, {}, CWD), 'WAYMARK_ALLOWED_HOSTS must be a comma-separated list of host names');
  }
});

test('WAYMARK_TASK_LINK_TTL takes a duration in days, hours, minutes or seconds', () => {
  const lifetime = (value: string) => loadConfig({ WAYMARK_TASK_LINK_TTL: value }, {}, CWD).taskLinkLifetimeMs;
  assert.equal(lifetime('7d'), 7 * 86_400_000);
  assert.equal(lifetime('12H'), 12 * 3_600_000);
  assert.equal(lifetime('90m'), 90 * 60_000);
  assert.equal(lifetime('3600'), 3_600_000);
  for (const bad of ['0', '30s', '3651d', 'forever', '-1d', '1.5d', 'd']) {
    assertInvalid(() => loadConfig({ WAYMARK_TASK_LINK_TTL: bad }, {}, CWD), 'WAYMARK_TASK_LINK_TTL must be a duration from 1m to 3650d');
  }
});
