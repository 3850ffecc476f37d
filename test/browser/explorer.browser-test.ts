/**
 * The API explorer in Chromium: the operation list from the server's OpenAPI documents; a scheme
 * (a fixture written for this project) imported, an instance created with Send, its commands
 * loaded, one executed with a parameter; the code copied from the page — JavaScript (fetch) run
 * by Node, curl by bash — against the server in token mode and in OpenID Connect mode; errors
 * shown as errors; deep links and browser back; keyboard only; labels, axe-core, screenshots in
 * both themes, and no console error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { startBrowserHarness, type BrowserHarness } from './harness.js';

const run = promisify(execFile);
const API_TOKEN = 'explorer-browser-token-5c1e9a7b3d2f4e60';
/** A comment with quotes, an apostrophe, `$`, a backslash and a line break. */
const COMMENT = `Checked "twice" — it's $5 \\ ok\nsee page 2`;

async function importFixtureScheme(h: BrowserHarness): Promise<void> {
  const scheme = readFileSync(new URL('../fixtures/explorer/DocumentApproval.json', import.meta.url), 'utf8');
  const response = await h.fetch('/admin/api/schemes', { admin: true, method: 'POST', headers: { 'content-type': 'application/json' }, body: scheme });
  assert.equal(response.status, 201, await response.text());
}

/** Calls the Workflow API from Node with the access of the server's mode. */
async function workflowApi(h: BrowserHarness, oidc: boolean, operation: string, body: Record<string, unknown>): Promise<{ success: boolean; data: any }> {
  let headers: Record<string, string> = { 'content-type': 'application/json' };
  if (oidc) {
    const granted = await h.fetch('/connect/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'workflowapi', client_secret: API_TOKEN }) });
    headers = { ...headers, authorization: `Bearer ${((await granted.json()) as { access_token: string }).access_token}` };
  }
  const response = await h.fetch(`/workflowapi/${operation}`, { method: 'POST', headers, body: JSON.stringify(oidc ? body : { ...body, token: API_TOKEN }) });
  return (await response.json()) as { success: boolean; data: any };
}

/** The code of one tab, as its Copy button puts it on the clipboard. */
async function copiedCode(page: Page, tab: 'JavaScript (fetch)' | 'jQuery ($.ajax)' | 'C# (HttpClient)' | 'curl'): Promise<string> {
  const code = page.getByRole('region', { name: 'Code' });
  await code.getByRole('tab', { name: tab }).click();
  await code.getByRole('button', { name: `Copy ${tab} code` }).click();
  await page.getByText(`Copied the ${tab} code.`).first().waitFor();
  return page.evaluate(() => navigator.clipboard.readText());
}

async function runFetchCode(t: import('node:test').TestContext, code: string): Promise<{ stdout: string; stderr: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'waymark-browser-fetch-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, 'call.mjs'), code);
  return run(process.execPath, [join(folder, 'call.mjs')], { timeout: 30_000 });
}

const field = (page: Page, name: string): Locator => page.getByLabel(new RegExp(`^${name}\\b`));
const response = (page: Page) => page.getByRole('region', { name: 'Response' });

async function openOperation(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Operations' }).getByRole('link', { name: new RegExp(`^${name}\\b`) }).click();
  await page.getByRole('button', { name: 'Send' }).waitFor();
}

/** Generates a process id in the form and returns it. */
async function generateProcessId(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Generate a new processId' }).click();
  const id = await field(page, 'processId').inputValue();
  assert.match(id, /^[0-9a-f-]{36}$/);
  return id;
}

/**
 * A screenshot of the whole page, taken with a viewport as tall as the page: a full-page capture
 * of a shorter viewport catches CodeMirror re-measuring its lines, with the gutter out of step.
 */
async function pageScreenshot(h: BrowserHarness, name: string, docs = false): Promise<void> {
  const viewport = h.page.viewportSize() ?? { width: 1280, height: 900 };
  const height = await h.page.evaluate(() => document.documentElement.scrollHeight);
  await h.page.setViewportSize({ width: viewport.width, height });
  await h.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await h.screenshot(name, { docs, fullPage: false });
  await h.page.setViewportSize(viewport);
}

async function sendAndExpect(page: Page, status: string): Promise<void> {
  await page.getByRole('button', { name: 'Send' }).click();
  await response(page).getByText(status, { exact: true }).waitFor();
}

for (const mode of ['token', 'oidc'] as const) {
  const oidc = mode === 'oidc';
  const theme = oidc ? 'dark' : 'light';

  test(`in ${mode === 'oidc' ? 'OpenID Connect' : 'token'} mode (${theme} theme): create an instance with Send, load its commands, execute one with a parameter; the copied fetch and curl code runs`, async (t) => {
    const h = await startBrowserHarness(t, { env: { WAYMARK_API_TOKEN: API_TOKEN, WAYMARK_API_OIDC: String(oidc) }, colorScheme: theme });
    const { page } = h;
    await importFixtureScheme(h);
    await h.signIn();

    // The list: every section in the vendor's order, then /api/v1.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API explorer' }).click();
    await page.getByRole('heading', { level: 1, name: 'API explorer' }).waitFor();
    // The list is drawn once both OpenAPI documents arrived: wait for a section of each before reading it.
    const operations = page.getByRole('navigation', { name: 'Operations' });
    await operations.getByRole('heading', { level: 2, name: 'Workflow API Other' }).waitFor();
    await operations.getByRole('heading', { level: 2, name: /^\/api\/v1 / }).first().waitFor();
    const sections = await operations.getByRole('heading', { level: 2 }).allTextContents();
    assert.deepEqual(sections.slice(0, 6), ['Workflow API Instance', 'Workflow API Folders', 'Workflow API Logs', 'Workflow API Server', 'Workflow API User', 'Workflow API Other']);
    assert.ok(sections.slice(6).every((section) => section.startsWith('/api/v1 ')));
    await h.screenshot(`explorer-${theme}`, { docs: !oidc });
    await h.assertAccessible(`the explorer's list (${theme})`);

    // createinstance: details, the token field in token mode, the scheme dropdown, Generate, Send.
    await openOperation(page, 'createinstance');
    await page.getByRole('heading', { name: 'Create a process instance' }).waitFor();
    await page.getByText('/workflowapi?operation=createinstance&processId={processId}').waitFor();
    assert.equal(await page.getByRole('table', { name: 'Parameters of createinstance' }).getByRole('row').count(), 8);
    if (oidc) await page.getByText(/OpenID Connect is on: Send first gets an access token/).waitFor();
    else assert.equal(await page.getByLabel('token', { exact: true }).inputValue(), API_TOKEN);
    await field(page, 'schemeCode').selectOption('DocumentApproval');
    const sentId = await generateProcessId(page);
    await sendAndExpect(page, 'HTTP 200');
    assert.equal(await response(page).getByRole('alert').count(), 0);
    assert.equal((await workflowApi(h, oidc, 'getinstanceinfo', { processId: sentId })).data.StateName, 'Draft');
    await pageScreenshot(h, `explorer-createinstance-${theme}`, true);
    await h.assertAccessible(`createinstance after Send (${theme})`);

    // The code written for a new id: fetch run by Node, curl by bash, each creates its instance.
    const fetchId = await generateProcessId(page);
    const created = await runFetchCode(t, await copiedCode(page, 'JavaScript (fetch)'));
    assert.deepEqual([created.stdout.trim(), created.stderr], ['null', '']);
    const curlId = await generateProcessId(page);
    const curl = await run('bash', ['-c', await copiedCode(page, 'curl')], { timeout: 30_000 });
    assert.equal(JSON.parse(curl.stdout).success, true, curl.stdout);
    for (const id of [fetchId, curlId]) assert.equal((await workflowApi(h, oidc, 'isexistprocess', { processId: id })).data, true, id);
    assert.match(await copiedCode(page, 'C# (HttpClient)'), /await Http\.SendAsync\(request\)/);

    // executecommand through a deep link (as other pages link to it): Load, choose, a parameter, Send.
    await page.goto(`${h.baseUrl}/admin/explorer/executecommand?processId=${sentId}`);
    await page.getByRole('button', { name: 'Send' }).waitFor();
    assert.equal(await field(page, 'processId').inputValue(), sentId);
    await page.getByRole('button', { name: 'Load command options from getavailablecommands' }).click();
    await page.getByLabel(/found by getavailablecommands/).selectOption('submit');
    assert.equal(await field(page, 'command').inputValue(), 'submit');
    await page.getByLabel('Name of parameter 1').fill('Comment');
    await page.getByLabel('Value of parameter 1').fill(COMMENT.replace('\n', ' '));
    await page.getByLabel('Persist parameter 1').check();
    await sendAndExpect(page, 'HTTP 200');
    // .first(): while the code editor loads, the answer shows both as plain text and as its first lines.
    await response(page).getByText('"WasExecuted": true').first().waitFor();
    assert.equal((await workflowApi(h, oidc, 'getparameter', { processId: sentId, parameter: 'Comment' })).data, COMMENT.replace('\n', ' '));
    await pageScreenshot(h, `explorer-executecommand-${theme}`, !oidc);
    await h.assertAccessible(`executecommand after Send (${theme})`);

    // The same command's fetch and curl code, for the instances the code created.
    await field(page, 'processId').fill(fetchId);
    const executed = await runFetchCode(t, await copiedCode(page, 'JavaScript (fetch)'));
    assert.equal(executed.stderr, '');
    assert.match(executed.stdout, /WasExecuted: true/);
    await field(page, 'processId').fill(curlId);
    const curlExecuted = await run('bash', ['-c', await copiedCode(page, 'curl')], { timeout: 30_000 });
    assert.equal(JSON.parse(curlExecuted.stdout).data.WasExecuted, true);
    for (const id of [fetchId, curlId]) {
      assert.equal((await workflowApi(h, oidc, 'getparameter', { processId: id, parameter: 'Comment' })).data, COMMENT.replace('\n', ' '), id);
    }
    h.assertNoConsoleErrors();
  });
}

test('errors are shown as errors: a required value left out, a command the instance does not have, an /api/v1 call without its token, a value that is not JSON', async (t) => {
  const h = await startBrowserHarness(t, { env: { WAYMARK_API_TOKEN: API_TOKEN } });
  const { page } = h;
  await importFixtureScheme(h);
  await h.signIn();
  const processId = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
  assert.equal((await workflowApi(h, false, 'createinstance', { processId, schemeCode: 'DocumentApproval' })).success, true);

  // A required value left out goes to the server, which says what is missing.
  await page.goto(`${h.baseUrl}/admin/explorer/createinstance?processId=${processId}`);
  await sendAndExpect(page, 'HTTP 200');
  await response(page).getByRole('alert').getByText(/Parameter 'schemecode' is required!/i).waitFor();

  await page.goto(`${h.baseUrl}/admin/explorer/executecommand?processId=${processId}&command=archive`);
  await sendAndExpect(page, 'HTTP 200');
  await response(page).getByRole('alert').getByText(/The command archive is not found!/).waitFor();

  // The browser logs a failed resource load for the 480 answer.
  h.expectConsoleErrors(/status of 480/);
  await page.goto(`${h.baseUrl}/admin/explorer/api-v1.listWorkflowModels`);
  await page.getByRole('button', { name: 'Send' }).waitFor();
  await page.getByLabel('API token (Authorization: Bearer)').waitFor();
  await field(page, 'accusoft-dtm-tenant').fill('tenant-1');
  await sendAndExpect(page, 'HTTP 480');
  await response(page).getByRole('alert').getByText(/InvalidToken/).waitFor();
  await pageScreenshot(h, 'explorer-api-v1-error');

  await page.goto(`${h.baseUrl}/admin/explorer/updateuser`);
  await field(page, 'extensions').fill('{"department": ');
  await page.getByText(/extensions is not valid JSON/).first().waitFor();
  assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), true);
  await h.assertAccessible('a form with an invalid value');
  h.assertNoConsoleErrors();
});

test('search narrows the list, a link opens an operation, and browser back returns to the one before', async (t) => {
  const h = await startBrowserHarness(t, { env: { WAYMARK_API_TOKEN: API_TOKEN } });
  const { page } = h;
  await h.signIn();
  await page.goto(`${h.baseUrl}/admin/explorer`);
  await page.getByRole('heading', { name: 'Choose an operation' }).waitFor();

  await page.getByLabel('Search operations').fill('state');
  const links = page.getByRole('navigation', { name: 'Operations' }).getByRole('link');
  await links.filter({ hasText: /^setstate/ }).waitFor();
  assert.deepEqual(
    (await links.allTextContents()).map((text) => text.split(/(?=[A-Z])/)[0]),
    ['getavailablestatetoset', 'setstate'],
  );
  await openOperation(page, 'setstate');
  await page.getByRole('button', { name: 'Load state options from getavailablestatetoset' }).waitFor();
  await page.getByLabel('Search operations').fill('');
  await openOperation(page, 'getinstances');
  await page.getByRole('heading', { name: 'List process instances' }).waitFor();
  await page.goBack();
  await page.getByRole('heading', { name: "Set an instance's state" }).waitFor();
  assert.match(page.url(), /\/admin\/explorer\/setstate$/);

  await page.goto(`${h.baseUrl}/admin/explorer/nosuchoperation`);
  await page.getByText('There is no operation nosuchoperation.').waitFor();
  h.assertNoConsoleErrors();
});

test('keyboard only: reach the createinstance form, fill it and send it without the mouse; every control has a label', async (t) => {
  const h = await startBrowserHarness(t, { env: { WAYMARK_API_TOKEN: API_TOKEN } });
  const { page } = h;
  await importFixtureScheme(h);
  await h.signIn();
  await page.goto(`${h.baseUrl}/admin/explorer`);
  await page.getByRole('heading', { name: 'Choose an operation' }).waitFor();

  /** Presses Tab until the focused element matches, at most `limit` times. */
  const tabTo = async (describe: string, matches: () => Promise<boolean>, limit = 80) => {
    for (let presses = 0; presses < limit; presses += 1) {
      if (await matches()) return;
      await page.keyboard.press('Tab');
    }
    assert.fail(`Tab never reached ${describe}`);
  };
  const focused = (check: (element: HTMLElement) => boolean) => page.evaluate(`(${check.toString()})(document.activeElement)`) as Promise<boolean>;

  await tabTo('the search box', () => focused((element) => element.getAttribute('type') === 'search'));
  await page.keyboard.type('createinstance');
  await tabTo('the createinstance link', () => focused((element) => element.tagName === 'A' && (element.textContent ?? '').startsWith('createinstance')));
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Send' }).waitFor();

  await tabTo('Generate', () => focused((element) => element.getAttribute('aria-label') === 'Generate a new processId'));
  await page.keyboard.press('Enter');
  await tabTo('the scheme dropdown', () => focused((element) => element.tagName === 'SELECT'));
  await page.keyboard.press('ArrowDown');
  assert.equal(await field(page, 'schemeCode').inputValue(), 'DocumentApproval');
  await tabTo('Send', () => focused((element) => element.textContent === 'Send'));
  await page.keyboard.press('Enter');
  await response(page).getByText('HTTP 200', { exact: true }).waitFor();
  const processId = await field(page, 'processId').inputValue();
  assert.equal((await workflowApi(h, false, 'isexistprocess', { processId })).data, true);

  // Every form control of the page has a label (a <label>, aria-label or aria-labelledby).
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('main input, main select, main textarea, main button')]
      .filter((element) => {
        const control = element as HTMLInputElement;
        const named = (control.labels?.length ?? 0) > 0 || control.getAttribute('aria-label') || control.getAttribute('aria-labelledby');
        return !named && (element.tagName !== 'BUTTON' || (element.textContent ?? '').trim() === '');
      })
      .map((element) => element.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(unlabelled, []);
  await h.assertAccessible('createinstance, sent by keyboard');
  h.assertNoConsoleErrors();
});
