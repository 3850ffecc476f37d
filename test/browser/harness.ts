/**
 * The admin panel in a real browser: a Waymark server on a temporary data folder (the composition
 * root, `startServer`, at port 0 on 127.0.0.1, serving the built panel), and Debian's Chromium
 * driven by playwright-core (no browser download: `CHROMIUM_PATH`, default `/usr/bin/chromium`).
 *
 * Every console error and uncaught page error is collected; {@link BrowserHarness.assertNoConsoleErrors}
 * fails the test on any the test did not announce with {@link BrowserHarness.expectConsoleErrors}
 * (a 401 the browser logs while the test makes a session expire, say), and it runs by itself
 * when the test ends. Screenshots go to `test/browser/screenshots/` (git-ignored); those the
 * docs show are copied to `docs/images/admin/`.
 *
 * Used by every `*.browser-test.ts` (`npm run test:browser`), the API explorer's included.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { createLogger } from '../../src/logging/index.js';

/** The admin password of every browser test's server. */
export const ADMIN_PASSWORD = 'browser test password 42';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Where screenshots are saved (git-ignored). */
export const SCREENSHOT_DIR = join(root, 'test/browser/screenshots');
/** Where the screenshots the docs show are copied. */
export const DOCS_IMAGE_DIR = join(root, 'docs/images/admin');

/**
 * Chromium's flags: headless on a machine without a GPU or a sandbox, and without any of the
 * background connections Chromium makes on its own (this machine has no network but loopback).
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
] as const;

/** Options of {@link startBrowserHarness}. */
export interface BrowserHarnessOptions {
  /** Extra environment of the server (e.g. `WAYMARK_API_TOKEN`). */
  readonly env?: Readonly<Record<string, string>>;
  /** `light` (default) or `dark`: what the page believes the OS prefers. */
  readonly colorScheme?: 'light' | 'dark';
}

/** What a browser test talks to. */
export interface BrowserHarness {
  /** The server's origin, e.g. `http://127.0.0.1:41234`. */
  readonly baseUrl: string;
  readonly page: Page;
  readonly context: BrowserContext;
  /** The running server (replaced by {@link restartServer}). */
  server(): RunningServer;
  /** Opens `/admin/sign-in`, signs in with the admin password, and waits for the Dashboard. */
  signIn(): Promise<void>;
  /** Saves a screenshot of the page as `<name>.png`; with `docs`, also into docs/images/admin/. */
  screenshot(name: string, options?: { readonly docs?: boolean; readonly fullPage?: boolean }): Promise<string>;
  /** Console errors matching `pattern` are expected from now on (they do not fail the test). */
  expectConsoleErrors(pattern: RegExp): void;
  /** Fails when the page logged an error that was not expected. */
  assertNoConsoleErrors(): void;
  /** Runs axe-core on the page; fails on any serious or critical violation. */
  assertAccessible(what: string): Promise<void>;
  /** Stops the server and starts it again on the same port and data folder (sessions are lost). */
  restartServer(): Promise<void>;
  /** Calls the server from Node (not the browser), with the admin's HTTP Basic credentials when `admin` is set. */
  fetch(path: string, init?: RequestInit & { readonly admin?: boolean }): Promise<Response>;
}

/** Where Debian installs Chromium; `CHROMIUM_PATH` overrides it. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`Chromium is not installed at ${path}: apt-get install -y chromium (or set CHROMIUM_PATH). Browsers are never downloaded.`);
  }
  return path;
}

async function startWaymark(dataDir: string, port: number, env: Readonly<Record<string, string>>): Promise<RunningServer> {
  const config = loadConfig({ ...env, WAYMARK_LOG_LEVEL: 'silent' }, { port, host: '127.0.0.1', dataDir });
  return startServer(config, {
    handleSignals: false,
    logger: createLogger({ level: 'silent' }),
    env: { WAYMARK_ADMIN_PASSWORD: ADMIN_PASSWORD, ...env },
  });
}

/** A server and a browser page, both closed (and their folders removed) when the test ends. */
export async function startBrowserHarness(t: TestContext, options: BrowserHarnessOptions = {}): Promise<BrowserHarness> {
  const builtPanel = join(root, 'admin-panel/dist/index.html');
  assert.ok(existsSync(builtPanel), 'the admin panel is not built: run `npm run build` (npm run test:browser builds it)');
  const dataDir = mkdtempSync(join(tmpdir(), 'waymark-browser-data-'));
  const profileDir = mkdtempSync(join(tmpdir(), 'waymark-browser-profile-'));
  const env = options.env ?? {};
  let server = await startWaymark(dataDir, 0, env);
  const port = Number(new URL(server.url).port);
  const baseUrl = `http://127.0.0.1:${port}`;

  // A fresh profile per test: no cookies, storage or cache carried over.
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport: { width: 1280, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = context.pages()[0] ?? (await context.newPage());

  const consoleErrors: string[] = [];
  const expected: RegExp[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const location = message.location().url;
    consoleErrors.push(location === '' ? message.text() : `${message.text()} (${location})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  const unexpectedErrors = () => consoleErrors.filter((error) => !expected.some((pattern) => pattern.test(error)));

  // Closes everything, then fails the test on any unexpected console error (also when the test
  // forgot to check).
  t.after(async () => {
    const leftover = unexpectedErrors();
    await context.close().catch(() => undefined);
    await server.close();
    rmSync(profileDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    assert.deepEqual(leftover, [], 'the page logged errors');
  });

  const harness: BrowserHarness = {
    baseUrl,
    page,
    context,
    server: () => server,
    async signIn() {
      await page.goto(`${baseUrl}/admin/sign-in`);
      await page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    },
    async screenshot(name, screenshotOptions = {}) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      // A full-page capture of a scrolled page draws the sticky header mid-page: start at the top.
      await page.evaluate(() => window.scrollTo(0, 0));
      // The docs show the page, not the notifications of the steps before.
      if (screenshotOptions.docs === true) {
        const closeButtons = page.getByRole('button', { name: 'Close notification' });
        while ((await closeButtons.count()) > 0) await closeButtons.first().click();
      }
      await page.screenshot({ path, fullPage: screenshotOptions.fullPage ?? true, animations: 'disabled' });
      if (screenshotOptions.docs === true) {
        mkdirSync(DOCS_IMAGE_DIR, { recursive: true });
        copyFileSync(path, join(DOCS_IMAGE_DIR, `${name}.png`));
      }
      return path;
    },
    expectConsoleErrors(pattern) {
      expected.push(pattern);
    },
    assertNoConsoleErrors() {
      assert.deepEqual(unexpectedErrors(), [], 'the page logged errors');
    },
    async assertAccessible(what) {
      const axeSource = readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
      // Evaluated through the DevTools protocol, which the page's CSP (no inline scripts) allows.
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map((violation) => ({
          id: violation.id,
          impact: violation.impact,
          help: violation.help,
          targets: violation.nodes.map((node) => JSON.stringify(node.target)),
        }));
      });
      const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
      assert.deepEqual(serious, [], `axe-core found serious or critical violations on ${what}`);
    },
    async restartServer() {
      await server.close();
      server = await startWaymark(dataDir, port, env);
    },
    fetch(path, init = {}) {
      const { admin, headers, ...rest } = init;
      const merged: Record<string, string> = { ...(headers as Record<string, string> | undefined) };
      if (admin === true) merged.authorization = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
      return fetch(`${baseUrl}${path}`, { ...rest, headers: merged });
    },
  };
  return harness;
}
