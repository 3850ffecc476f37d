import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureXml, ids, startHarness } from './harness.js';

const PROCESS_ID_TEXT =
  "Parameter 'processid' is required and must be GUID! Use such URL format: workflowapi/{operation}/{processid}.";

test('the three URL forms reach the same operation, with GET and POST', async (t) => {
  const h = await startHarness(t);
  await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });
  await h.call(`/workflowapi/createinstance/${ids.process}`, { schemeCode: 'VacationRequest' });

  for (const [method, url] of [
    ['GET', `/workflowapi/isexistprocess/${ids.process}`],
    ['POST', `/workflowapi/isexistprocess/${ids.process}`],
    ['GET', `/workflowapi/isexistprocess?processId=${ids.process}`],
    ['POST', `/workflowapi/isexistprocess?processid=${ids.process}`],
    ['GET', `/workflowapi?operation=isexistprocess&processId=${ids.process}`],
    ['POST', `/workflowapi/?operation=IsExistProcess&PROCESSID=${ids.process}`],
  ] as const) {
    const response = await h.app.inject({ method, url });
    assert.equal(response.statusCode, 200, url);
    assert.deepEqual(response.json(), { success: true, data: true, error: null, message: null }, `${method} ${url}`);
  }
  const absent = await h.call(`/workflowapi/isexistprocess/${ids.other}`);
  assert.equal(absent.body.data, false);
});

test('parameters come from JSON, form-urlencoded and multipart bodies, names matched in any case', async (t) => {
  const h = await startHarness(t);
  await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });

  const json = await h.app.inject({
    method: 'POST',
    url: `/workflowapi/createinstance/${ids.process}`,
    payload: { SchemeCode: 'VacationRequest', IDENTITYID: 'John' },
  });
  assert.equal(json.json().success, true);

  const form = await h.app.inject({
    method: 'POST',
    url: '/workflowapi/createinstance',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `processId=${ids.other}&schemecode=VacationRequest&parameters=${encodeURIComponent('[{"name":"Sum","value":150,"persist":true}]')}`,
  });
  assert.deepEqual(form.json(), { success: true, data: null, error: null, message: null });
  assert.equal((await h.workflow.getInstance(ids.other)).parameters.Sum, 150);

  const boundary = 'waymarkboundary';
  const multipartBody = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="operation"',
    '',
    'createinstance',
    `--${boundary}`,
    'Content-Disposition: form-data; name="processId"',
    '',
    ids.third,
    `--${boundary}`,
    'Content-Disposition: form-data; name="schemeCode"',
    '',
    'VacationRequest',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  const multi = await h.app.inject({
    method: 'POST',
    url: '/workflowapi',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: multipartBody,
  });
  assert.equal(multi.json().success, true, multi.body);
  assert.equal(await h.workflow.instanceExists(ids.third), true);
});

/** A multipart/form-data body of text parts, JSON parts and file parts. */
function multipartBody(boundary: string, parts: readonly { name: string; value: string; json?: boolean; filename?: string }[]): string {
  const lines: string[] = [];
  for (const part of parts) {
    lines.push(`--${boundary}`);
    const file = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    lines.push(`Content-Disposition: form-data; name="${part.name}"${file}`);
    if (part.json) lines.push('Content-Type: application/json');
    else if (part.filename !== undefined) lines.push('Content-Type: text/plain');
    lines.push('', part.value);
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\r\n');
}

test('multipart bodies: a repeated name gives a list, a JSON part its value, a file part its text', async (t) => {
  const h = await startHarness(t);
  const boundary = 'waymarkparts';
  const response = await h.app.inject({
    method: 'POST',
    url: '/workflowapi/loginfo',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: multipartBody(boundary, [
      { name: 'message', value: 'upload received' },
      { name: 'item', value: 'first' },
      { name: 'item', value: 'second' },
      { name: 'order', value: '{"id":7,"lines":[1,2]}', json: true },
      { name: 'list', value: '[1,2]', json: true },
      { name: 'note', value: 'file text', filename: 'note.txt' },
    ]),
  });
  assert.equal(response.json().success, true, response.body);
  // The caller's fields are kept under `fields` in the line (docs/workflow-api.md).
  const line = h.logLines.find((entry) => entry.msg === 'upload received')?.fields as Record<string, unknown> | undefined;
  assert.deepEqual(line?.item, ['first', 'second']);
  assert.deepEqual(line?.order, { id: 7, lines: [1, 2] });
  assert.deepEqual(line?.list, [1, 2]);
  assert.equal(line?.note, 'file text');
});

test('multipart bodies past the limits answer 413 in the envelope', async (t) => {
  const h = await startHarness(t, { bodyLimit: 2048 });
  const boundary = 'waymarklimits';
  const send = (parts: Parameters<typeof multipartBody>[1]) =>
    h.app.inject({
      method: 'POST',
      url: '/workflowapi/loginfo',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: multipartBody(boundary, parts),
    });
  const bigFile = await send([{ name: 'message', value: 'big' }, { name: 'note', value: 'x'.repeat(5000), filename: 'big.txt' }]);
  assert.equal(bigFile.statusCode, 413);
  assert.deepEqual(bigFile.json(), {
    success: false,
    data: null,
    error: 'The multipart body is larger than the limit of 2048 bytes',
    message: null,
    code: 'WM_BODY_TOO_LARGE',
  });
  const roomy = await startHarness(t);
  const manyFields = await roomy.app.inject({
    method: 'POST',
    url: '/workflowapi/loginfo',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: multipartBody(boundary, Array.from({ length: 201 }, (_, index) => ({ name: `f${index}`, value: 'v' }))),
  });
  assert.equal(manyFields.statusCode, 413);
  assert.match(manyFields.json().error, /too many (fields|parts)/);
  assert.equal(h.logLines.some((entry) => entry.msg === 'big'), false);
});

test('legacy query form with schemacode creates the instance', async (t) => {
  const h = await startHarness(t);
  await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });
  const response = await h.app.inject({
    method: 'GET',
    url: `/workflowapi?operation=createinstance&processid=${ids.process}&schemacode=VacationRequest`,
  });
  assert.equal(response.json().success, true);
  assert.equal((await h.workflow.getInstance(ids.process)).schemeCode, 'VacationRequest');
});

test('transport errors answer the envelope with the reference texts', async (t) => {
  const h = await startHarness(t);
  const cases: { url: string; error: string }[] = [
    { url: '/workflowapi', error: "Parameter 'operation' is required. Use such URL format: workflowapi/{operation}." },
    { url: '/workflowapi/frobnicate', error: 'operation=frobnicate is not supported!' },
    { url: '/workflowapi/getinstanceinfo', error: PROCESS_ID_TEXT },
    { url: '/workflowapi/getinstanceinfo/not-a-guid', error: PROCESS_ID_TEXT },
    { url: `/workflowapi/createinstance/${ids.process}`, error: "Parameter 'schemecode' is required!" },
    { url: `/workflowapi/executecommand/${ids.process}`, error: "Parameter 'command' is required and must be string!" },
    { url: '/workflowapi/deleteinstances', error: "Parameter 'processids' is required and must be array of GUIDs!" },
    { url: '/workflowapi/deleteinstances?processIds=abc', error: "Parameter 'processids' is required and must be array of GUIDs!" },
  ];
  for (const { url, error } of cases) {
    const response = await h.app.inject({ method: 'POST', url });
    assert.equal(response.statusCode, 200, url);
    const body = response.json();
    assert.equal(body.success, false, url);
    assert.equal(body.data, null);
    assert.equal(body.error, error, url);
    assert.equal(body.message, null, url);
    assert.match(body.code, /^WM_INPUT_|^WM_NOT_FOUND$/, url);
  }
  const command = await h.app.inject({
    method: 'POST',
    url: `/workflowapi/executecommand/${ids.process}`,
    payload: { command: { not: 'a string' } },
  });
  assert.equal(command.json().error, "Parameter 'command' is required and must be string!");
});

test('bad bodies: other content types, malformed JSON, arrays, oversized bodies', async (t) => {
  const h = await startHarness(t, { bodyLimit: 2048 });
  const url = `/workflowapi/isexistprocess/${ids.process}`;

  const text = await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: 'hello' });
  assert.equal(text.statusCode, 200);
  assert.equal(text.json().error, 'Invalid request body type');
  const xml = await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
  assert.equal(xml.json().error, 'Invalid request body type');

  const malformed = await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{"schemeCode": ' });
  assert.equal(malformed.statusCode, 200);
  assert.equal(malformed.json().success, false);
  assert.doesNotMatch(malformed.body, /at .*\.js|stack/i);

  const array = await h.app.inject({ method: 'POST', url, payload: [1, 2] });
  assert.equal(array.json().success, false);
  assert.match(array.json().error, /must be an object/);

  const big = await h.app.inject({ method: 'POST', url, payload: { message: 'x'.repeat(5000) } });
  assert.equal(big.statusCode, 413);
  assert.equal(big.json().success, false);
  assert.equal(big.json().code, 'WM_BODY_TOO_LARGE');

  const badJsonParameter = await h.app.inject({
    method: 'POST',
    url: '/workflowapi/deleteinstances',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'processIds=%5B%22abc',
  });
  assert.equal(badJsonParameter.json().success, false);
});

const TOKEN = 'workflow-api-token-3b9e61d2a7c4f';

test('token mode: a missing or wrong token answers HTTP 200 with the vendor texts; the right one passes from any source', async (t) => {
  // Given an API protected by an API token (OpenID Connect off).
  const h = await startHarness(t, { apiToken: TOKEN });

  // When a .NET client calls without the token, then it reads the refusal from a 200 answer.
  const missing = await h.app.inject({ method: 'POST', url: '/workflowapi/isactive' });
  assert.equal(missing.statusCode, 200);
  assert.deepEqual(missing.json(), {
    success: false,
    data: null,
    error: "AccessToken is on. Add 'token' parameter for each workflowapi request!",
    message: null,
    code: 'WM_UNAUTHORIZED',
  });
  const wrong = await h.app.inject({ method: 'POST', url: '/workflowapi/isactive?token=not-the-token' });
  assert.equal(wrong.statusCode, 200);
  assert.equal(wrong.json().error, "AccessToken is not valid! Check 'token' parameter in the query.");
  assert.equal(wrong.json().code, 'WM_UNAUTHORIZED');
  assert.doesNotMatch(wrong.body, new RegExp(TOKEN));

  // The token is taken from the query, a JSON body (any letter case) or a form body.
  assert.equal((await h.app.inject({ url: `/workflowapi/isactive?token=${TOKEN}` })).json().data, true);
  assert.equal((await h.app.inject({ method: 'POST', url: '/workflowapi/isactive', payload: { Token: TOKEN } })).json().data, true);
  const form = await h.app.inject({
    method: 'POST',
    url: '/workflowapi/isactive',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `token=${TOKEN}`,
  });
  assert.equal(form.json().data, true);

  // With the token, from a multipart body too, a URL that is no operation's is a 404 envelope.
  const boundary = 'waymarktoken';
  const unknownUrl = await h.app.inject({
    method: 'POST',
    url: '/WorkflowApi/no/such/url',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: multipartBody(boundary, [{ name: 'token', value: TOKEN }]),
  });
  assert.deepEqual([unknownUrl.statusCode, unknownUrl.json().code], [404, 'WM_NOT_FOUND']);

  // Unknown operations and URLs are not revealed to callers without the token.
  for (const url of ['/workflowapi/nosuchthing', '/WorkflowApi/no/such/url']) {
    const hidden = await h.app.inject({ url });
    assert.equal(hidden.statusCode, 200, url);
    assert.equal(hidden.json().error, "AccessToken is on. Add 'token' parameter for each workflowapi request!", url);
  }
});

test('OpenID Connect mode: a call without a valid bearer token answers 401 in the envelope', async (t) => {
  const h = await startHarness(t, { apiToken: TOKEN, oidc: true });
  for (const headers of [{}, { authorization: 'Bearer not.a.jwt' }]) {
    const refused = await h.app.inject({ method: 'POST', url: '/workflowapi/isactive', headers, payload: { token: TOKEN } });
    assert.equal(refused.statusCode, 401);
    assert.deepEqual(refused.json(), {
      success: false,
      data: null,
      error: 'OpenId Connect authentication for Workflow API failed',
      message: null,
      code: 'WM_UNAUTHORIZED',
    });
  }
});

test('the base path matches in any letter case; every other URL or method under it answers a 404 envelope', async (t) => {
  const h = await startHarness(t);
  await h.workflow.saveScheme({ xml: fixtureXml('VacationRequest') });
  await h.call(`/workflowapi/createinstance/${ids.process}`, { schemeCode: 'VacationRequest' });

  // When a client writes the path as the vendor's .NET samples do, it reaches the API.
  for (const [method, url] of [
    ['GET', `/WorkflowApi/IsExistProcess/${ids.process}`],
    ['POST', `/WORKFLOWAPI/isexistprocess?processId=${ids.process}`],
    ['GET', `/workflowAPI?operation=isexistprocess&processId=${ids.process}`],
    ['POST', `/WorkflowApi/?operation=isexistprocess&processId=${ids.process}`],
  ] as const) {
    const response = await h.app.inject({ method, url });
    assert.equal(response.statusCode, 200, url);
    assert.deepEqual(response.json(), { success: true, data: true, error: null, message: null }, `${method} ${url}`);
  }

  // A URL under the base path that no operation answers is a 404 in the envelope, in any case.
  for (const [method, url] of [
    ['GET', '/workflowapi/isexistprocess/one/two'],
    ['POST', '/WorkflowApi/a/b/c'],
    ['PUT', `/workflowapi/isexistprocess/${ids.process}`],
    ['DELETE', '/WorkflowApi/deleteinstance'],
    ['PATCH', '/workflowapi'],
  ] as const) {
    const response = await h.app.inject({ method, url });
    assert.equal(response.statusCode, 404, `${method} ${url}`);
    const body = response.json();
    assert.deepEqual([body.success, body.data, body.message, body.code], [false, null, null, 'WM_NOT_FOUND'], `${method} ${url}`);
    assert.match(body.error, /is not a Workflow API URL/);
  }
  // A path that only starts like the base path is not the API's.
  const elsewhere = await h.app.inject({ url: '/WorkflowApiX/isactive' });
  assert.equal(elsewhere.statusCode, 404);
  assert.equal(elsewhere.json().success, undefined);
});

test('the dialect serves its own OpenAPI 3.1 document and a docs page listing every operation', async (t) => {
  const h = await startHarness(t);
  const openapi = await h.app.inject({ url: '/openapi/workflowapi.json' });
  assert.equal(openapi.statusCode, 200);
  const document = openapi.json();
  assert.equal(document.openapi, '3.1.0');
  const paths = Object.keys(document.paths);
  for (const name of ['createinstance', 'getinstances', 'inboxrecalc', 'loginfo', 'isactive', 'createuser', 'getuser', 'getformbyflow', 'getschememodel', 'getschemelist']) {
    assert.ok(paths.some((p) => p.startsWith(`/workflowapi/${name}`)), name);
  }
  assert.equal(paths.length, 35);
  assert.ok(document.paths['/workflowapi/executecommand/{processId}'].post.requestBody.content['application/json'].schema.required.includes('command'));

  const docs = await h.app.inject({ url: '/docs/workflowapi' });
  assert.equal(docs.statusCode, 200);
  assert.match(docs.headers['content-type'] as string, /text\/html/);
  assert.match(docs.body, /getavailablestatetoset/);
  assert.doesNotMatch(docs.body, /<script|https?:\/\/(?!localhost)/);
});
