/**
 * The admin panel's sign-in, shell and Dashboard in Chromium: signing in and out, the access
 * settings changed from the Dashboard and checked against the Workflow API from Node, a session
 * that ends, keyboard-only use, labels, axe-core, and screenshots in both themes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, startBrowserHarness, type BrowserHarness } from './harness.js';

/** A Workflow API call that needs no scheme: `success` tells whether access was granted. */
async function listInstances(h: BrowserHarness, access: { token?: string; bearer?: string } = {}): Promise<{ status: number; success: boolean }> {
  const query = access.token === undefined ? '' : `&token=${encodeURIComponent(access.token)}`;
  const response = await h.fetch(`/workflowapi/getinstances?take=1${query}`, access.bearer === undefined ? {} : { headers: { authorization: `Bearer ${access.bearer}` } });
  const body = (await response.json()) as { success?: boolean };
  return { status: response.status, success: body.success === true };
}

const accessCard = (page: Page) => page.getByRole('region', { name: 'Workflow API access' });

/** The token the Dashboard shows, revealed. */
async function shownToken(page: Page): Promise<string> {
  const card = accessCard(page);
  const show = card.getByRole('button', { name: 'Show' });
  if (await show.isVisible()) await show.click();
  const text = (await card.locator('.wm-access__value code').textContent()) ?? '';
  await card.getByRole('button', { name: 'Hide' }).click();
  return text.trim();
}

test('sign in: a wrong password shows an error, the right one opens the Dashboard, and signing out returns to sign-in', async (t) => {
  const h = await startBrowserHarness(t);
  const { page } = h;
  await page.goto(`${h.baseUrl}/`);
  await page.waitForURL(/\/admin\/sign-in/);
  await page.getByLabel('Admin password').waitFor();
  await h.screenshot('sign-in', { docs: true });

  h.expectConsoleErrors(/status of 401 .*\/admin\/login/);
  await page.getByLabel('Admin password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That password is not right. Try again.').waitFor();
  assert.equal(await page.getByLabel('Admin password').getAttribute('aria-invalid'), 'true');
  await h.screenshot('sign-in-wrong-password');

  await page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/admin/');
  const header = page.getByRole('banner');
  await header.getByText('ready').waitFor();
  assert.match((await header.textContent()) ?? '', /Version\s*\d+\.\d+\.\d+/);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You are signed out.').waitFor();
  assert.equal(new URL(page.url()).pathname, '/admin/sign-in');
  // Signed out for real: the API refuses the browser's cookie now.
  assert.equal((await page.request.get(`${h.baseUrl}/admin/api/access`)).status(), 401);
  h.assertNoConsoleErrors();
});

test('a deep link opens its page after sign-in, and browser back returns', async (t) => {
  const h = await startBrowserHarness(t);
  const { page } = h;
  await page.goto(`${h.baseUrl}/admin/explorer/createinstance?schemeCode=Draft`);
  await page.waitForURL(/\/admin\/sign-in\?redirect=/);
  await page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${h.baseUrl}/admin/explorer/createinstance?schemeCode=Draft`);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.goBack();
  await page.waitForURL(/\/admin\/explorer\/createinstance/);
  h.assertNoConsoleErrors();
});

test('the Dashboard sets and generates the token, switches OpenID Connect on and off, and clears the token; the Workflow API follows each change', async (t) => {
  const h = await startBrowserHarness(t);
  const { page } = h;
  await h.signIn();
  const card = accessCard(page);
  await card.getByText('Open: no token').waitFor();
  assert.equal((await listInstances(h)).success, true, 'open at first, as the vendor\'s is');

  // OpenID Connect needs a token: the refusal is shown, nothing changes.
  h.expectConsoleErrors(/status of 400 .*\/admin\/api\/access\/oidc/);
  await card.getByRole('switch', { name: 'Use OpenID Connect for token access' }).click();
  await card.getByRole('alert').getByText('needs an API access token: set the token first').waitFor();
  assert.equal(await card.getByRole('switch').getAttribute('aria-checked'), 'false');

  const typed = 'typed-token-for-the-browser-test-0001';
  await card.getByLabel('New token').fill(typed);
  await card.getByRole('button', { name: 'Set token' }).click();
  await card.getByText('Token', { exact: true }).waitFor();
  assert.equal(await shownToken(page), typed);
  assert.equal((await listInstances(h)).success, false, 'refused without the token');
  assert.equal((await listInstances(h, { token: typed })).success, true);
  await h.screenshot('dashboard-token-mode', { docs: true });

  await card.getByRole('button', { name: 'Generate' }).click();
  await page.getByText('A new API access token was generated').waitFor();
  const generated = await shownToken(page);
  assert.notEqual(generated, typed);
  assert.match(generated, /^[A-Za-z0-9_-]{64}$/);
  assert.equal((await listInstances(h, { token: typed })).success, false, 'the old token no longer works');
  assert.equal((await listInstances(h, { token: generated })).success, true);

  await card.getByRole('switch', { name: 'Use OpenID Connect for token access' }).click();
  await card.getByText('OpenID Connect', { exact: true }).waitFor();
  await card.getByText('OpenID Connect mode.').waitFor();
  assert.equal(await card.getByRole('switch').getAttribute('aria-checked'), 'true');
  assert.equal((await listInstances(h, { token: generated })).success, false, 'the token field is not accepted in OpenID Connect mode');

  // A client as the Dashboard tells it: the discovery document, then the client credentials grant.
  const discoveryUrl = ((await card.locator('dd', { has: page.getByRole('button', { name: 'Copy discovery URL' }) }).locator('code').textContent()) ?? '').trim();
  assert.equal(discoveryUrl, `${h.baseUrl}/.well-known/openid-configuration`);
  const discovery = (await (await fetch(discoveryUrl)).json()) as { token_endpoint: string };
  const shownEndpoint = ((await card.locator('dd', { has: page.getByRole('button', { name: 'Copy token endpoint' }) }).locator('code').textContent()) ?? '').trim();
  assert.equal(discovery.token_endpoint, shownEndpoint);
  const tokenResponse = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'workflowapi', client_secret: generated }).toString(),
  });
  assert.equal(tokenResponse.status, 200);
  const { access_token: accessToken } = (await tokenResponse.json()) as { access_token: string };
  assert.equal((await listInstances(h, { bearer: accessToken })).success, true);
  await h.screenshot('dashboard-oidc-mode', { docs: true });

  await card.getByRole('switch', { name: 'Use OpenID Connect for token access' }).click();
  await card.getByText('Token mode.').waitFor();
  assert.equal((await listInstances(h, { token: generated })).success, true);

  await card.getByRole('button', { name: 'Clear…' }).click();
  await card.getByRole('group', { name: 'Confirm clearing the token' }).getByRole('button', { name: 'Clear token' }).click();
  await card.getByText('Open: no token').waitFor();
  assert.equal((await listInstances(h)).success, true, 'open again');
  h.assertNoConsoleErrors();
});

test('an ended session (cookie gone, or server restarted) returns to the sign-in page with a message, and sign-in comes back', async (t) => {
  const h = await startBrowserHarness(t);
  const { page } = h;
  await h.signIn();
  h.expectConsoleErrors(/status of 401/);

  // The cookie is gone: the next refresh of the Dashboard finds out.
  await h.context.clearCookies();
  await page.getByText('Your session has ended').waitFor({ timeout: 15_000 });
  // The page moves to sign-in (the text may show on the Dashboard a moment before it does).
  await page.waitForURL((url) => url.pathname === '/admin/sign-in', { timeout: 15_000 });
  assert.equal(new URL(page.url()).pathname, '/admin/sign-in');
  await h.screenshot('sign-in-session-ended', { docs: true });
  await page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

  // A restart forgets every session (they are kept in memory only).
  h.expectConsoleErrors(/ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/);
  await h.restartServer();
  await page.getByText('Your session has ended').waitFor({ timeout: 15_000 });
  // The message may show on the Dashboard a moment before the page moves to sign-in (whose field
  // shares its label with the Dashboard's "Admin password" card): fill it only on the sign-in page.
  await page.waitForURL((url) => url.pathname === '/admin/sign-in', { timeout: 15_000 });

  // Reloading an ended session's page says so too.
  await page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await h.context.clearCookies();
  await page.reload();
  await page.getByText('Your session has ended').waitFor();
  h.assertNoConsoleErrors();
});

/** Describes the focused element, to know which controls Tab reaches. */
async function focusedControl(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (element === null || element === document.body) return null;
    return element.dataset.focusKey ?? null;
  });
}

/** A small native JSON scheme: Draft —submit→ Done. */
const DRAFT_SCHEME = {
  code: 'PurchaseRequest',
  name: 'Purchase request',
  commands: [{ name: 'submit' }],
  activities: [
    { name: 'Draft', state: 'Draft', isInitial: true },
    { name: 'Done', state: 'Done', isFinal: true },
  ],
  transitions: [{ name: 'Submit', from: 'Draft', to: 'Done', trigger: { type: 'Command', name: 'submit' }, conditions: [{ type: 'Always' }] }],
};

/** A scheme and a few instances, so the Dashboard has something to show. */
async function seedSomeWork(h: BrowserHarness): Promise<void> {
  const imported = await h.fetch('/admin/api/schemes', { admin: true, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DRAFT_SCHEME) });
  assert.equal(imported.status, 201);
  for (let n = 1; n <= 4; n++) {
    const processId = `66666666-0000-4000-8000-00000000000${n}`;
    const created = (await (await h.fetch(`/workflowapi/createinstance/${processId}?schemeCode=PurchaseRequest`)).json()) as { success: boolean };
    assert.equal(created.success, true);
    if (n % 2 === 0) await h.fetch(`/workflowapi/executecommand/${processId}?command=submit&identityId=anna`);
  }
}

test('keyboard only: sign in, then Tab reaches every control of the Dashboard; every control is labelled and axe-core finds nothing serious, in light and dark', async (t) => {
  const h = await startBrowserHarness(t);
  const { page } = h;
  await seedSomeWork(h);
  await page.goto(`${h.baseUrl}/admin/`);
  await page.getByLabel('Admin password').waitFor();
  await h.assertAccessible('the sign-in page');
  // The password field has the focus; typing and Enter sign in.
  await page.keyboard.type(ADMIN_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.getByRole('region', { name: 'Latest instances' }).getByRole('link', { name: '66666666-0000-4000-8000-000000000004' }).waitFor();
  await page.getByRole('region', { name: 'Workflow API access' }).getByText('Open: no token').waitFor();

  // Every control on the page, each marked so Tab's path can be compared with it.
  const controls = await page.evaluate(() => {
    const selector = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
    const found: { key: string; name: string }[] = [];
    document.querySelectorAll<HTMLElement>(selector).forEach((element, index) => {
      if (element.offsetParent === null && getComputedStyle(element).position !== 'fixed') return; // not rendered
      if (element.classList.contains('wm-skip-link')) return;
      element.dataset.focusKey = String(index);
      const labelled = element.getAttribute('aria-label') ?? (element as HTMLInputElement).labels?.[0]?.textContent ?? element.textContent ?? '';
      found.push({ key: String(index), name: labelled.trim() });
    });
    return found;
  });
  assert.ok(controls.length >= 15, `the Dashboard has its controls (${controls.length})`);
  for (const control of controls) assert.notEqual(control.name, '', `control ${control.key} has a label`);

  const reached = new Set<string>();
  for (let press = 0; press < controls.length * 2 + 10; press++) {
    await page.keyboard.press('Tab');
    const key = await focusedControl(page);
    if (key !== null) reached.add(key);
  }
  const missed = controls.filter((control) => !reached.has(control.key)).map((control) => control.name);
  assert.deepEqual(missed, [], 'every control is reached with Tab');

  // The OpenID Connect switch toggles with the keyboard too (refused here: no token yet).
  h.expectConsoleErrors(/status of 400 .*\/admin\/api\/access\/oidc/);
  await page.getByRole('switch', { name: 'Use OpenID Connect for token access' }).focus();
  await page.keyboard.press('Space');
  await accessCard(page).getByRole('alert').getByText('set the token first').waitFor();

  await h.assertAccessible('the Dashboard (light)');
  await h.screenshot('dashboard-light', { docs: true });

  // The theme switch: dark is applied at once and remembered after a reload.
  await page.getByLabel('Theme').selectOption('dark');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.getByRole('region', { name: 'Latest instances' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await page.getByLabel('Theme').inputValue(), 'dark');
  await h.assertAccessible('the Dashboard (dark)');
  await h.screenshot('dashboard-dark', { docs: true });
  h.assertNoConsoleErrors();
});

test('by default the panel follows the OS theme: the sign-in page in dark', async (t) => {
  const h = await startBrowserHarness(t, { colorScheme: 'dark' });
  const { page } = h;
  await page.goto(`${h.baseUrl}/admin/sign-in`);
  await page.getByLabel('Admin password').waitFor();
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, 'rgb(15, 18, 23)', 'the dark background');
  await h.assertAccessible('the sign-in page (dark)');
  await h.screenshot('sign-in-dark', { docs: true });
  h.assertNoConsoleErrors();
});
