/**
 * The code the API explorer writes runs as copied. A real server is started; the explorer's
 * modules read its own OpenAPI documents, build createinstance and executecommand from form
 * values, and write the code; then the JavaScript (fetch) is run by Node in a child process and
 * the curl command by bash, against the server, in token mode and in OpenID Connect mode. The C#
 * is parsed with tree-sitter's C# grammar (there is no .NET here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  buildRequest,
  catalogFromDocuments,
  findOperation,
  generateCode,
  type CodeLanguage,
  type ExplorerAccess,
  type ExplorerOperation,
  type FormValues,
} from '../../admin-panel/src/explorer/index.js';
import { parseCSharp } from '../../admin-panel/src/explorer/testing/csharp-parser.js';
import { API_TOKEN, startLiveServer, type LiveServer } from './live-server.js';

const run = promisify(execFile);

/** A comment with every character that has broken quoting somewhere. */
const AWKWARD_COMMENT = `Looks "fine" — it's $HOME's \`job\` \\ done;\nline two ${'${x}'} '\\'' %s 😀`;

async function explorerFor(server: LiveServer, oidc: boolean) {
  const [workflowApi, apiV1] = await Promise.all(
    ['/openapi/workflowapi.json', '/openapi/api-v1.json'].map(async (path) => (await fetch(`${server.url}${path}`)).json()),
  );
  const operations = catalogFromDocuments({ workflowApi, apiV1 });
  const discoveryUrl = `${server.url}/.well-known/openid-configuration`;
  const discovery = (await (await fetch(discoveryUrl)).json()) as { token_endpoint: string };
  const access: ExplorerAccess = {
    serverUrl: server.url,
    workflowApi: oidc
      ? { mode: 'oidc', discoveryUrl, tokenEndpoint: discovery.token_endpoint, clientId: 'workflowapi', clientSecret: API_TOKEN }
      : { mode: 'token', token: API_TOKEN },
    apiV1Token: '',
  };
  const code = (key: string, values: FormValues, language: CodeLanguage): string => {
    const operation = findOperation(operations, key) as ExplorerOperation;
    const { request, problems } = buildRequest(operation, values, access);
    assert.deepEqual(problems, []);
    return generateCode(language, { request, title: `${operation.title} (${operation.key})` });
  };
  return { code };
}

async function runJavaScript(t: import('node:test').TestContext, code: string): Promise<{ stdout: string; stderr: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'waymark-fetch-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const file = join(folder, 'call.mjs');
  writeFileSync(file, code);
  return run(process.execPath, [file], { timeout: 30_000 });
}

async function runCurl(code: string): Promise<{ stdout: string; stderr: string }> {
  return run('bash', ['-c', code], { timeout: 30_000 });
}

for (const oidc of [false, true]) {
  const mode = oidc ? 'OpenID Connect mode' : 'token mode';

  test(`given a server in ${mode}, when the explorer's JavaScript (fetch) for createinstance and executecommand runs in Node, then both succeed`, async (t) => {
    const server = await startLiveServer(t, { oidc });
    const explorer = await explorerFor(server, oidc);
    const processId = '6d3a8f1e-2b4c-4d5e-9f60-718293a4b5c6';

    const created = await runJavaScript(t, explorer.code('createinstance', { processId, schemeCode: 'DocumentApproval', identityId: 'author-1' }, 'fetch'));
    assert.deepEqual([created.stdout.trim(), created.stderr], ['null', '']);
    assert.equal((await server.workflowApi('getinstanceinfo', { processId })).data.StateName, 'Draft');

    const executed = await runJavaScript(
      t,
      explorer.code(
        'executecommand',
        { processId, command: 'submit', identityId: 'author-1', parameters: [{ name: 'Comment', value: AWKWARD_COMMENT, persist: true }] },
        'fetch',
      ),
    );
    assert.equal(executed.stderr, '');
    assert.match(executed.stdout, /WasExecuted: true/);
    const info = await server.workflowApi('getinstanceinfo', { processId });
    assert.equal(info.data.StateName, 'Review');
    assert.equal((await server.workflowApi('getparameter', { processId, parameter: 'Comment' })).data, AWKWARD_COMMENT);
  });

  test(`given a server in ${mode}, when the explorer's curl for createinstance and executecommand runs in bash, then both succeed`, async (t) => {
    const server = await startLiveServer(t, { oidc });
    const explorer = await explorerFor(server, oidc);
    const processId = '7e4b9a2f-3c5d-4e6f-8a71-829304b5c6d7';

    const created = await runCurl(explorer.code('createinstance', { processId, schemeCode: 'DocumentApproval' }, 'curl'));
    assert.deepEqual(JSON.parse(created.stdout), { success: true, data: null, error: null, message: null });
    await runCurl(explorer.code('executecommand', { processId, command: 'submit', parameters: [{ name: 'Comment', value: AWKWARD_COMMENT, persist: true }] }, 'curl'));

    const approved = await runCurl(explorer.code('executecommand', { processId, command: 'approve', identityId: 'reviewer-1' }, 'curl'));
    assert.equal(JSON.parse(approved.stdout).data.WasExecuted, true);
    assert.equal((await server.workflowApi('getinstanceinfo', { processId })).data.StateName, 'Approved');
    assert.equal((await server.workflowApi('getparameter', { processId, parameter: 'Comment' })).data, AWKWARD_COMMENT);
  });

  test(`given a server in ${mode}, then the explorer's C# for createinstance and executecommand parses without an error node`, async (t) => {
    const server = await startLiveServer(t, { oidc });
    const explorer = await explorerFor(server, oidc);

    for (const [key, values] of [
      ['createinstance', { processId: '8f5c0b3a-4d6e-4f70-9b82-930415c6d7e8', schemeCode: 'DocumentApproval' }],
      ['executecommand', { processId: '8f5c0b3a-4d6e-4f70-9b82-930415c6d7e8', command: 'submit', parameters: [{ name: 'Comment', value: AWKWARD_COMMENT, persist: true }] }],
    ] as const) {
      const parsed = await parseCSharp(explorer.code(key, values, 'csharp'));
      assert.equal(parsed.hasError, false, `${key}: ${parsed.firstError}`);
    }
  });
}

test('given a server in OpenID Connect mode, when code written for token mode runs, then the server refuses it: the access written into the code matters', async (t) => {
  const server = await startLiveServer(t, { oidc: true });
  const tokenModeExplorer = await explorerFor(server, false);

  const refused = await runJavaScript(t, tokenModeExplorer.code('isexistprocess', { processId: '9a6d1c4b-5e7f-4081-8c93-a41526d7e8f9' }, 'fetch'));
  assert.equal(refused.stdout, '');
  assert.match(refused.stderr, /OpenId Connect authentication for Workflow API failed/);
});
