/**
 * Shared set-up for runtime scenarios: a SQLite store (in memory or in a temp folder), a manual
 * clock with fake timers, the workflow service and the runtime wired together.
 */
import type { TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { ManualClock, WorkflowService, type WorkflowServiceOptions } from '../../src/services/index.js';
import { createRuntimeParts, WorkflowRuntime, type WorkflowRuntimeOptions } from '../../src/runtime/index.js';
import { FakeTimers } from '../../src/runtime/testing.js';
import { processXml } from '../support/scheme-xml.js';

/** A temp data folder removed after the test. */
export function tempDir(t: TestContext, prefix = 'waymark-runtime-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A timer scheme with one timer moving Waiting → Done, plus a Waiting → Waiting command. */
export function timerSchemeXml(timer: { type: string; value: string; timeZone?: string; notOverride?: boolean }, code = 'TimerScheme'): string {
  return processXml({
    code,
    parameters: [{ name: 'DelayMs', type: 'Int32', purpose: 'Persistence', initialValue: '5000' }],
    commands: ['Poke'],
    timers: [{ name: 'Due', ...timer }],
    activities: [{ name: 'Waiting', initial: true }, { name: 'Done', final: true }],
    transitions: [
      { from: 'Waiting', to: 'Done', trigger: { timer: 'Due' } },
      { from: 'Waiting', to: 'Waiting', trigger: { command: 'Poke' }, classifier: 'NotSpecified' },
    ],
  });
}

/** One running server's parts. */
export interface RuntimeHarness {
  readonly store: Store;
  readonly clock: ManualClock;
  readonly timers: FakeTimers;
  readonly service: WorkflowService;
  readonly runtime: WorkflowRuntime;
  readonly errors: string[];
  /** Advances the clock, runs due fake timers, and waits until the runtime is idle. */
  advance(ms: number): Promise<void>;
  settle(): Promise<void>;
}

/** Opens a store and builds service + runtime (not started). */
export async function openHarness(
  t: TestContext,
  options: {
    dataDir?: string;
    /** Share an open store (a second server on the same database). */
    store?: Store;
    clock?: ManualClock;
    service?: Partial<WorkflowServiceOptions>;
    runtime?: Partial<WorkflowRuntimeOptions>;
    closeOnEnd?: boolean;
  } = {},
): Promise<RuntimeHarness> {
  const store = options.store ?? (await createSqliteStore(options.dataDir ? { dataDir: options.dataDir } : { filename: ':memory:' }));
  const ownsStore = options.store === undefined;
  const clock = options.clock ?? new ManualClock('2026-03-02T08:00:00.000Z');
  const timers = new FakeTimers(clock);
  let n = 0;
  const service = new WorkflowService({
    store,
    clock,
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    callbackServerConfigured: true,
    ...options.service,
  });
  const errors: string[] = [];
  const runtime = new WorkflowRuntime({
    service,
    store,
    setTimer: timers.setTimer,
    deliver: async () => {},
    onError: (error, what) => errors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`),
    ...options.runtime,
  });
  if (options.closeOnEnd !== false) {
    t.after(async () => {
      await runtime.stop();
      if (ownsStore) await store.close();
    });
  }
  const settle = async (): Promise<void> => {
    // Rounds may chain (a delivered message frees the next): settle until nothing runs.
    for (let i = 0; i < 20; i += 1) {
      await runtime.whenIdle();
      await new Promise((resolve) => setImmediate(resolve));
      timers.runDue();
    }
    await runtime.whenIdle();
  };
  return {
    store,
    clock,
    timers,
    service,
    runtime,
    errors,
    settle,
    advance: async (ms) => {
      timers.advance(ms);
      await settle();
    },
  };
}

/** The acting identity of test calls. */
export const actor = { identityId: 'tester', impersonatedIdentityId: null };

/** A harness whose file actions run in `sandbox` (null: file actions off, as by default). */
export async function sandboxedHarness(t: TestContext, sandbox: string | null): Promise<RuntimeHarness> {
  const h = await openHarness(t);
  const parts = await createRuntimeParts({ store: h.store, clock: h.clock, env: sandbox ? { WAYMARK_FILE_SANDBOX: sandbox } : {} });
  return openHarness(t, { store: h.store, clock: h.clock, service: { external: parts.external, stepMessages: parts.stepMessages, fileActionsSandbox: parts.fileSandbox !== null } });
}

/** A harness whose HTTP actions may reach the hosts of `allowlist` (WAYMARK_HTTP_ALLOWLIST), answers up to 64 KiB. */
export async function allowlistedHarness(t: TestContext, allowlist: string): Promise<RuntimeHarness> {
  const h = await openHarness(t);
  const parts = await createRuntimeParts({ store: h.store, clock: h.clock, env: { WAYMARK_HTTP_ALLOWLIST: allowlist }, httpMaxResponseBytes: 64 * 1024 });
  return openHarness(t, { store: h.store, clock: h.clock, service: { external: parts.external, stepMessages: parts.stepMessages } });
}
