/**
 * The frame of every HTTP scenario: the HTTP ceiling measured with the same load shape and
 * requests, then Waymark measured in its own child process on a prepared data directory.
 */
import { randomUUID } from 'node:crypto';
import { runLoad, type LoadFigures, type LoadPlan } from './load.js';
import type { BenchOptions } from './options.js';
import type { Progress } from './progress.js';
import { ScenarioNotRunnable } from './scenario.js';
import { ensureCompiled } from './compiled.js';
import { startServer, type ServerProcess } from './server-process.js';
import { databaseFacts, prepareWorkspace, type DatabaseFacts, type Workspace } from './workspace.js';

/** The upper bound on requests of one load run: far above what 2 cores can serve, yet finite. */
export function requestCap(options: BenchOptions): number {
  return Math.ceil(options.durationSeconds * 100_000);
}

/** The HTTP ceiling's figures, with its server's peak RSS (the floor of any fastify process run this way). */
export interface HttpCeiling extends LoadFigures {
  readonly peakRssBytes: number | null;
}

let sharedCeiling: Promise<ServerProcess> | null = null;

/**
 * Runs `plan` (without its URL) against the bare fastify ceiling server. One ceiling process
 * serves every scenario of a run (it is stateless); {@link stopHttpCeiling} ends it.
 */
export async function measureHttpCeiling(plan: Omit<LoadPlan, 'baseUrl'>, progress: Progress): Promise<HttpCeiling> {
  sharedCeiling ??= startServer({ kind: 'ceiling' });
  const server = await sharedCeiling;
  const figures = await runLoad({ ...plan, baseUrl: server.baseUrl, serverPid: server.pid, label: `HTTP ceiling (${plan.label})` }, progress);
  return { ...figures, peakRssBytes: server.peakRssBytes() };
}

/** Stops the shared HTTP ceiling server, if one was started. */
export async function stopHttpCeiling(): Promise<void> {
  const running = sharedCeiling;
  sharedCeiling = null;
  if (running !== null) await (await running).stop();
}

/** A Waymark server under test, with its data directory. */
export interface WaymarkUnderTest {
  readonly server: ServerProcess;
  readonly workspace: Workspace;
  /** Milliseconds from spawn until `/readiness` answered 200. */
  readonly readyMs: number;
}

/** Waits until `baseUrl`'s `/readiness` answers 200 (at most 30 s). */
export async function waitForReadiness(baseUrl: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${baseUrl}/readiness`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not accepting yet.
    }
    if (Date.now() > deadline) throw new Error(`${baseUrl}/readiness did not answer 200 within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Optional parts of {@link withWaymark}. */
export interface WaymarkRunOptions {
  /** Run on this workspace instead of a fresh one (it is removed afterwards all the same). */
  readonly workspace?: Workspace;
  /** After `body`, start the server once more on the same data and time that restart to /readiness. */
  readonly measureRestart?: boolean;
}

/** Spawns the compiled server on `workspace` and waits for `/readiness`; the time is from spawn. */
async function startReady(options: BenchOptions, workspace: Workspace): Promise<{ server: ServerProcess; readyMs: number }> {
  const started = performance.now();
  const server = await startServer({ kind: 'waymark', env: { WAYMARK_DATA_DIR: workspace.dataDir }, cpuProfileDir: options.cpuProfileDir });
  try {
    await waitForReadiness(server.baseUrl);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { server, readyMs: performance.now() - started };
}

/**
 * Starts Waymark on a fresh (or given) workspace, runs `body`, stops the server and returns
 * what `body` returned with the server's peak RSS and the database facts. `readyMs` is the
 * first start on this data directory (it creates the signing key); `restartReadyMs` a second
 * start on the same data, when asked for.
 */
export async function withWaymark<T>(
  options: BenchOptions,
  body: (under: WaymarkUnderTest) => Promise<T>,
  run: WaymarkRunOptions = {},
): Promise<{ result: T; peakRssBytes: number | null; readyMs: number; restartReadyMs: number | null; before: DatabaseFacts; after: DatabaseFacts }> {
  // Compiling is not part of any start-up figure.
  ensureCompiled();
  const workspace = run.workspace ?? (await prepareWorkspace());
  try {
    const before = databaseFacts(workspace.databaseFile);
    const { server, readyMs } = await startReady(options, workspace);
    let result: T;
    try {
      result = await body({ server, workspace, readyMs });
    } finally {
      await server.stop();
    }
    const peakRssBytes = server.peakRssBytes();
    const after = databaseFacts(workspace.databaseFile);
    let restartReadyMs: number | null = null;
    if (run.measureRestart === true) {
      const restarted = await startReady(options, workspace);
      restartReadyMs = restarted.readyMs;
      await restarted.server.stop();
    }
    return { result, peakRssBytes, readyMs, restartReadyMs, before, after };
  } finally {
    workspace.remove();
  }
}

/** A createinstance request for a new process id. */
export function createInstanceRequest(schemeCode: string, processId: string = randomUUID()): { path: string; body: string } {
  return { path: `/workflowapi/createinstance/${processId}`, body: JSON.stringify({ schemeCode, identityId: 'author' }) };
}

/** An executecommand request. */
export function executeCommandRequest(processId: string, command: string, identityId: string): { path: string; body: string } {
  return { path: `/workflowapi/executecommand/${processId}`, body: JSON.stringify({ command, identityId }) };
}

/**
 * Sends `request` once; throws ScenarioNotRunnable when the route is not mounted (404), so a
 * scenario whose API has not landed says so instead of measuring 404s.
 */
export async function requireRoute(baseUrl: string, request: { path: string; body?: string }): Promise<void> {
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = await response.text();
  if (response.status === 404 && text.includes('WM_NOT_FOUND')) {
    throw new ScenarioNotRunnable(`POST ${request.path.split('/').slice(0, 3).join('/')} is not served yet (404): its API dialect has not landed`);
  }
}
