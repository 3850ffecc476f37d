import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from './logger.js';
import { redactUrlCredentials, redactUrlsInText } from './url-credentials.js';

// Each form a PostgreSQL connection URL can carry a credential in, and what must remain of it.
const CREDENTIAL_FORMS: readonly { readonly form: string; readonly url: string; readonly secret: string; readonly masked: string }[] = [
  { form: 'user:password@', url: 'postgres://waymark:hunter2@db:5432/waymark', secret: 'hunter2', masked: 'postgres://waymark:***@db:5432/waymark' },
  { form: 'percent-encoded password', url: 'postgres://waymark:p%40ss%3Aword@db/waymark', secret: 'p%40ss%3Aword', masked: 'postgres://waymark:***@db/waymark' },
  { form: '?password=', url: 'postgres://db/waymark?user=waymark&password=hunter2', secret: 'hunter2', masked: 'postgres://db/waymark?user=waymark&password=***' },
  { form: '?PASSWORD= in capitals', url: 'postgresql://db/waymark?PASSWORD=hunter2', secret: 'hunter2', masked: 'postgresql://db/waymark?PASSWORD=***' },
  { form: '?sslpassword=', url: 'postgres://u@db/w?sslmode=verify-full&sslpassword=keypass9', secret: 'keypass9', masked: 'postgres://u@db/w?sslmode=verify-full&sslpassword=***' },
  { form: '?sslkey=', url: 'postgres://u@db/w?sslkey=%2Fetc%2Fkeys%2Fclient.key', secret: 'client.key', masked: 'postgres://u@db/w?sslkey=***' },
  { form: 'a repeated ?password=', url: 'postgres://db/w?password=one1&password=two2', secret: 'two2', masked: 'postgres://db/w?password=***' },
  { form: 'password and query together', url: 'postgres://u:first1@db/w?password=second2', secret: 'first1', masked: 'postgres://u:***@db/w?password=***' },
];

for (const { form, url, secret, masked } of CREDENTIAL_FORMS) {
  test(`a connection URL with ${form} is logged without it`, () => {
    const redacted = redactUrlCredentials(url);
    assert.equal(redacted, masked);
    assert.equal(redacted.includes(secret), false);
  });
}

test('a URL without credentials is kept exactly as written', () => {
  for (const url of ['postgres://waymark@db:5432/waymark?sslmode=require', 'https://workflow.example.com/a%20b?x=1']) {
    assert.equal(redactUrlCredentials(url), url);
  }
});

test('text the URL parser refuses is masked by pattern', () => {
  assert.equal(redactUrlCredentials('postgres://u:pa/ss@db/w'), 'postgres://***@db/w');
  assert.equal(redactUrlCredentials('postgres://db:notaport/w?password=x1y2&sslmode=require'), 'postgres://db:notaport/w?password=***&sslmode=require');
});

test('URLs inside free text lose their credentials; other text is untouched', () => {
  assert.equal(
    redactUrlsInText('could not connect to postgres://u:hunter2@db/w (timeout)'),
    'could not connect to postgres://u:***@db/w (timeout)',
  );
  assert.equal(redactUrlsInText('no url here: user:password@host'), 'no url here: user:password@host');
});

test('the logger masks connection credentials in values, nested values, bindings and messages', () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  for (const { url } of CREDENTIAL_FORMS) {
    logger.info({ databaseUrl: url }, 'value');
    logger.info({ store: { connection: { url } }, urls: [url] }, 'nested');
    logger.child({ database: url }).info('bound');
    logger.info(`message naming ${url} itself`);
    logger.info('interpolated %s', url);
  }
  const output = lines.join('');
  for (const { form, secret } of CREDENTIAL_FORMS) assert.equal(output.includes(secret), false, `${form}: ${secret} was logged`);
  assert.ok(output.includes('postgres://waymark:***@db:5432/waymark'), 'the rest of the URL is still logged');
});
