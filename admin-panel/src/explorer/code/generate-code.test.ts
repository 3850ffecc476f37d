/**
 * The code the explorer writes, in its four languages: what it sends, that it parses, and that no
 * value — quotes, backslashes, line breaks, `$`, `'`, braces, control characters — can change
 * the code's structure (each value stays one literal, read back exactly).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { catalogFromDocuments, findOperation, type ExplorerOperation } from '../operation-catalog.js';
import { buildRequest, type ExplorerAccess, type ExplorerRequest, type FormValues } from '../request-builder.js';
import { parseCSharp } from '../testing/csharp-parser.js';
import { parseJavaScript, recordCurlCalls } from '../testing/code-checks.js';
import { serverDocuments } from '../testing/server-documents.js';
import { CODE_LANGUAGES, generateCode } from './generate-code.js';

const SERVER = 'http://127.0.0.1:8077';
const PROCESS_ID = 'f54104f0-5de2-ea7b-e3be-47c9199a3967';
const operations = catalogFromDocuments(serverDocuments());
const operation = (key: string): ExplorerOperation => findOperation(operations, key)!;

const tokenMode: ExplorerAccess = { serverUrl: SERVER, workflowApi: { mode: 'token', token: 'the-api-token' }, apiV1Token: '' };
const oidcMode: ExplorerAccess = {
  serverUrl: SERVER,
  workflowApi: {
    mode: 'oidc',
    discoveryUrl: `${SERVER}/.well-known/openid-configuration`,
    tokenEndpoint: `${SERVER}/connect/token`,
    clientId: 'workflowapi',
    clientSecret: 'the-api-token',
  },
  apiV1Token: 'v1-token',
};

function built(key: string, values: FormValues, access: ExplorerAccess): ExplorerRequest {
  const { request, problems } = buildRequest(operation(key), values, access);
  assert.deepEqual(problems, []);
  return request;
}

const createValues: FormValues = { processId: PROCESS_ID, schemeCode: 'Approval', parameters: [{ name: 'Amount', value: '250', persist: true }] };
const title = 'Create a process instance (Workflow API: createinstance)';

test('given createinstance in token mode, then the fetch code POSTs the JSON body with the token to the id URL and checks success', () => {
  const code = generateCode('fetch', { request: built('createinstance', createValues, tokenMode), title });

  assert.equal(
    code,
    [
      '// Create a process instance (Workflow API: createinstance)',
      `const response = await fetch("${SERVER}/workflowapi/createinstance/${PROCESS_ID}", {`,
      '  method: "POST",',
      '  headers: {',
      '    "Content-Type": "application/json",',
      '  },',
      '  body: JSON.stringify({',
      '    "schemeCode": "Approval",',
      '    "parameters": [',
      '      {',
      '        "name": "Amount",',
      '        "value": 250,',
      '        "persist": true',
      '      }',
      '    ],',
      '    "token": "the-api-token"',
      '  }),',
      '});',
      'const result = await response.json();',
      'if (result.success) {',
      '  console.log(result.data);',
      '} else {',
      '  console.error(result.error, result.message);',
      '}',
      '',
    ].join('\n'),
  );
  assert.deepEqual(parseJavaScript(code).errors, []);
});

test('given OpenID Connect mode, then every language first gets a token by the client credentials grant, then sends it as bearer', async () => {
  const request = built('executecommand', { processId: PROCESS_ID, command: 'approve' }, oidcMode);

  const fetchCode = generateCode('fetch', { request, title });
  assert.match(fetchCode, /await fetch\("http:\/\/127\.0\.0\.1:8077\/\.well-known\/openid-configuration"\)/);
  assert.match(fetchCode, /fetch\(discovery\.token_endpoint, \{/);
  assert.match(fetchCode, /client_id: "workflowapi",\n {4}client_secret: "the-api-token",/);
  assert.match(fetchCode, /"Authorization": "Bearer " \+ accessToken/);
  assert.doesNotMatch(fetchCode, /"token":/);
  assert.deepEqual(parseJavaScript(fetchCode).errors, []);

  const jQueryCode = generateCode('jquery', { request, title });
  assert.match(jQueryCode, /\$\.getJSON\("http:\/\/127\.0\.0\.1:8077\/\.well-known\/openid-configuration"\)/);
  assert.match(jQueryCode, /url: discovery\.token_endpoint/);
  assert.match(jQueryCode, /"Authorization": "Bearer " \+ token\.access_token/);
  assert.deepEqual(parseJavaScript(jQueryCode).errors, []);

  const cSharp = generateCode('csharp', { request, title });
  assert.match(cSharp, /GetProperty\("token_endpoint"\)/);
  assert.match(cSharp, /\["client_secret"\] = "the-api-token"/);
  assert.match(cSharp, /new AuthenticationHeaderValue\("Bearer", accessToken\)/);
  const parsed = await parseCSharp(cSharp);
  assert.equal(parsed.hasError, false, parsed.firstError);

  const curl = recordCurlCalls(generateCode('curl', { request, title }));
  assert.equal(curl.status, 0, curl.stderr);
  assert.deepEqual(curl.calls, [
    ['-sS', '-X', 'POST', `${SERVER}/connect/token`, '--data-urlencode', 'grant_type=client_credentials', '--data-urlencode', 'client_id=workflowapi', '--data-urlencode', 'client_secret=the-api-token'],
    ['-sS', '-X', 'POST', `${SERVER}/workflowapi/executecommand/${PROCESS_ID}`, '-H', 'Content-Type: application/json', '-H', 'Authorization: Bearer granted-token-1', '--data-raw', '{"command":"approve"}'],
  ]);
});

test('given createinstance in token mode, then jQuery, C# and curl send the same request', async () => {
  const request = built('createinstance', createValues, tokenMode);
  const body = JSON.stringify(request.body);

  const jQueryCode = generateCode('jquery', { request, title });
  assert.match(jQueryCode, /^\$\.ajax\(\{\n {2}url: "http:\/\/127\.0\.0\.1:8077\/workflowapi\/createinstance\/f54104f0/m);
  assert.match(jQueryCode, /contentType: "application\/json",\n {2}data: JSON\.stringify\(\{/);
  assert.match(jQueryCode, /if \(result\.success\)/);
  assert.deepEqual(parseJavaScript(jQueryCode).errors, []);

  const cSharp = generateCode('csharp', { request, title });
  assert.match(cSharp, /new HttpRequestMessage\(HttpMethod\.Post, "http:\/\/127\.0\.0\.1:8077\/workflowapi\/createinstance\/f54104f0-5de2-ea7b-e3be-47c9199a3967"\)/);
  assert.match(cSharp, /await Http\.SendAsync\(request\)/);
  const parsed = await parseCSharp(cSharp);
  assert.equal(parsed.hasError, false, parsed.firstError);
  assert.deepEqual(JSON.parse(parsed.strings.find((value) => value.startsWith('{'))!), request.body);

  const curl = recordCurlCalls(generateCode('curl', { request, title }));
  assert.deepEqual(curl.calls, [
    ['-sS', '-X', 'POST', `${SERVER}/workflowapi/createinstance/${PROCESS_ID}`, '-H', 'Content-Type: application/json', '--data-raw', body],
  ]);
});

test('given an /api/v1 GET with the tenant header and an API token, then no body is sent and the bearer and header are', async () => {
  const request = built('api-v1.listWorkflowModels', { 'accusoft-dtm-tenant': 'tenant-1' }, oidcMode);
  const v1Title = 'Workflow models (/api/v1: listWorkflowModels)';

  const fetchCode = generateCode('fetch', { request, title: v1Title });
  assert.match(fetchCode, /method: "GET",\n {2}headers: \{\n {4}"accusoft-dtm-tenant": "tenant-1",\n {4}"Authorization": "Bearer v1-token",\n {2}\},\n\}\);/);
  assert.match(fetchCode, /if \(response\.ok\)/);
  assert.deepEqual(parseJavaScript(fetchCode).errors, []);
  assert.deepEqual(parseJavaScript(generateCode('jquery', { request, title: v1Title })).errors, []);
  const cSharp = await parseCSharp(generateCode('csharp', { request, title: v1Title }));
  assert.equal(cSharp.hasError, false, cSharp.firstError);
  assert.ok(!cSharp.strings.some((value) => value.startsWith('{')));

  assert.deepEqual(recordCurlCalls(generateCode('curl', { request, title: v1Title })).calls, [
    ['-sS', '-X', 'GET', `${SERVER}/api/v1/workflowModels`, '-H', 'accusoft-dtm-tenant: tenant-1', '-H', 'Authorization: Bearer v1-token'],
  ]);
});

test('given every operation of both APIs with no values, then each language writes code that parses', async () => {
  for (const candidate of operations) {
    const request = buildRequest(candidate, {}, candidate.api === 'workflowapi' ? tokenMode : oidcMode).request;
    const input = { request, title: `${candidate.title} (${candidate.key})` };
    assert.deepEqual(parseJavaScript(generateCode('fetch', input)).errors, [], candidate.key);
    assert.deepEqual(parseJavaScript(generateCode('jquery', input)).errors, [], candidate.key);
    const cSharp = await parseCSharp(generateCode('csharp', input));
    assert.equal(cSharp.hasError, false, `${candidate.key}: ${cSharp.firstError}`);
    assert.equal(recordCurlCalls(generateCode('curl', input)).status, 0, candidate.key);
  }
  assert.deepEqual(CODE_LANGUAGES.map((language) => language.label), ['JavaScript (fetch)', 'jQuery ($.ajax)', 'C# (HttpClient)', 'curl']);
});

/** Text that has broken code generators: quotes of every kind, escapes, line breaks, shell and template syntax. */
const NASTY = fc.constantFrom(
  `"`,
  `'`,
  '`',
  '\\',
  '\\"',
  "'\\''",
  '${process.exit(1)}',
  '$(touch /tmp/pwned)',
  '`id`',
  '"); process.exit(1); ("',
  '"""',
  '""""""',
  '{0}',
  '\n',
  '\r\n',
  '\u2028\u2029\u0085',
  '\0',
  '\t\v\f\b\x07\x1b',
  '*/ // <!--',
  '#{x}',
  '%s%n',
  '😀',
);
const TEXT = fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), NASTY, fc.array(NASTY, { maxLength: 4 }).map((parts) => parts.join('x')));
/** A header or bearer value: anything but a line break or NUL (those are refused before code is written). */
const HEADER_TEXT = TEXT.map((text) => text.replace(/[\r\n\0]/g, ' '));

interface Sample {
  readonly schemeCode: string;
  readonly identityId: string;
  readonly parameterName: string;
  readonly parameterValue: string;
  readonly token: string;
  readonly secret: string;
  readonly tenant: string;
}
const SAMPLE = fc.record({
  schemeCode: TEXT,
  identityId: TEXT,
  parameterName: TEXT.filter((name) => name.trim() !== '' && !['__proto__', 'constructor', 'prototype'].includes(name.trim())),
  // A value that is JSON would be sent as its JSON type; text keeps the code's shape comparable.
  parameterValue: TEXT.map((text) => `~${text}`),
  token: TEXT,
  secret: TEXT.map((text) => text.replace(/\0/g, ' ')),
  tenant: HEADER_TEXT,
});

function requestsOf(sample: Sample): ExplorerRequest[] {
  const workflowValues: FormValues = {
    processId: PROCESS_ID,
    schemeCode: `s${sample.schemeCode}`,
    identityId: `i${sample.identityId}`,
    parameters: [{ name: sample.parameterName, value: sample.parameterValue, persist: false }],
  };
  const token: ExplorerAccess = { ...tokenMode, workflowApi: { mode: 'token', token: sample.token } };
  const oidc: ExplorerAccess = { ...oidcMode, workflowApi: { ...(oidcMode.workflowApi as Extract<ExplorerAccess['workflowApi'], { mode: 'oidc' }>), clientSecret: `c${sample.secret}` } };
  return [
    built('createinstance', workflowValues, token),
    built('createinstance', workflowValues, oidc),
    built('api-v1.listWorkflowModels', { 'accusoft-dtm-tenant': `t${sample.tenant}` }, { ...oidc, apiV1Token: `v${sample.tenant}` }),
  ];
}

const PLAIN: Sample = { schemeCode: 'a', identityId: 'b', parameterName: 'c', parameterValue: '~d', token: 'e', secret: 'f', tenant: 'g' };

test('given any text in the values, then the JavaScript (fetch and jQuery) keeps its shape and each value is one literal read back exactly', () => {
  const baselines = requestsOf(PLAIN).map((request) => ({
    fetch: parseJavaScript(generateCode('fetch', { request, title })).shape,
    jquery: parseJavaScript(generateCode('jquery', { request, title })).shape,
  }));
  fc.assert(
    fc.property(SAMPLE, (sample) => {
      requestsOf(sample).forEach((request, index) => {
        for (const language of ['fetch', 'jquery'] as const) {
          const parsed = parseJavaScript(generateCode(language, { request, title }));
          assert.deepEqual(parsed.errors, []);
          assert.deepEqual(parsed.shape, baselines[index]![language]);
          for (const value of expectedStrings(request, sample)) assert.ok(parsed.strings.includes(value), `${language} lost ${JSON.stringify(value)}`);
        }
      });
    }),
    { numRuns: 60 },
  );
});

test('given any text in the values, then the C# parses without an error node, keeps its shape and reads each value back exactly', async () => {
  const baselines = await Promise.all(requestsOf(PLAIN).map(async (request) => (await parseCSharp(generateCode('csharp', { request, title }))).shape));
  await fc.assert(
    fc.asyncProperty(SAMPLE, async (sample) => {
      for (const [index, request] of requestsOf(sample).entries()) {
        const parsed = await parseCSharp(generateCode('csharp', { request, title }));
        assert.equal(parsed.hasError, false, parsed.firstError);
        assert.deepEqual(parsed.shape, baselines[index]);
        // The body's values are inside the one JSON literal, read back whole.
        const literals = [request.url, ...request.headers.map(([, value]) => value)];
        if (request.bearer?.kind === 'granted') literals.push(request.bearer.grant.clientSecret, request.bearer.grant.discoveryUrl);
        if (request.bearer?.kind === 'token') literals.push(request.bearer.token);
        for (const value of literals) assert.ok(parsed.strings.includes(value), `C# lost ${JSON.stringify(value)}`);
        if (request.body !== undefined) assert.deepEqual(JSON.parse(parsed.strings.find((text) => text.startsWith('{'))!), request.body);
      }
    }),
    { numRuns: 100 },
  );
});

test('given any text in the values, then curl receives exactly the URL, headers and body it should', () => {
  fc.assert(
    fc.property(SAMPLE, (sample) => {
      for (const request of requestsOf(sample)) {
        const { calls, status, stderr } = recordCurlCalls(generateCode('curl', { request, title }));
        assert.equal(status, 0, stderr);
        const call = calls.at(-1)!;
        assert.equal(call[3], request.url);
        for (const [name, value] of request.headers) assert.ok(call.includes(`${name}: ${value}`));
        if (request.body !== undefined) assert.deepEqual(JSON.parse(call.at(-1)!), request.body);
        if (request.bearer?.kind === 'granted') {
          assert.deepEqual(calls[0]?.at(-1), `client_secret=${request.bearer.grant.clientSecret}`);
          assert.ok(call.includes('Authorization: Bearer granted-token-1'));
        }
        if (request.bearer?.kind === 'token') assert.ok(call.includes(`Authorization: Bearer ${request.bearer.token}`));
      }
    }),
    { numRuns: 15 },
  );
});

/** The texts a request's code must hold as whole string literals. */
function expectedStrings(request: ExplorerRequest, sample: Sample): string[] {
  const values = [request.url, ...request.headers.map(([, value]) => value)];
  if (request.body !== undefined) {
    values.push(`s${sample.schemeCode}`, `i${sample.identityId}`, sample.parameterName.trim(), sample.parameterValue);
    if (typeof request.body.token === 'string') values.push(request.body.token);
  }
  if (request.bearer?.kind === 'granted') values.push(request.bearer.grant.clientSecret, request.bearer.grant.discoveryUrl);
  if (request.bearer?.kind === 'token') values.push(`Bearer ${request.bearer.token}`);
  return values;
}
