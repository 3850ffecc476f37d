/**
 * Server CPU per request of the Workflow API's hot routes over HTTP, beside the bare fastify
 * route's, each measured over 100 keep-alive connections in its own child process:
 *
 * - `create`, `execute`: the compiled server as the bench runs it (bench/servers/waymark-server.mjs)
 *   on a fresh data directory: N `createinstance`, then N `executecommand Submit` on those instances;
 * - `http create`, `http execute`: the same requests to the same server with the service's two
 *   calls answering at once (bench/servers/http-layer-server.mjs): the HTTP layer alone;
 * - `ceiling`: N createinstance-shaped requests to the bare fastify route (bench/servers/ceiling-server.mjs).
 *
 * The server's CPU (user + system, from /proc) divided by the responses moves much less with other
 * load on the machine than throughput does; `http …` minus `ceiling` is what Waymark's routing,
 * hooks, body parsing, access check, parameter parsing, logging and envelope cost per request.
 * Each run warms its server up with N/10 of the same requests first.
 *
 *   npx tsx bench/http-steps.ts [N=20000] [--pairs P=1] [--baseline <checkout>] [--http-only] [--cpu-prof <dir>]
 *
 * `--baseline` names another checkout of Waymark, built there with `npm run build` (and holding
 * bench/servers/http-layer-server.mjs): each of the P pairs then measures it and this checkout,
 * alternating which goes first, so an A/B comparison runs in one command. This checkout's servers
 * run from its dist/, brought up to date first as the bench does. `--http-only` skips the full server
 * (quicker, for changes of the HTTP layer); `--cpu-prof` profiles every server.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInstanceRequest, executeCommandRequest, waitForReadiness } from './http-scenario.js';
import { runLoad, type LoadFigures, type LoadRequest } from './load.js';
import { silentProgress } from './progress.js';
import { startServer, type ServerProcess } from './server-process.js';
import { BENCH_PATH, BENCH_SCHEME_CODE, prepareWorkspace } from './workspace.js';

const argv = process.argv.slice(2);
const FLAGS_WITH_VALUES = ['--pairs', '--baseline', '--cpu-prof'];
const flag = (name: string): string | undefined => {
  const index = argv.indexOf(name);
  return index < 0 ? undefined : argv[index + 1];
};
const count = Number(argv.find((argument, index) => /^\d+$/.test(argument) && !FLAGS_WITH_VALUES.includes(argv[index - 1] ?? '')) ?? 20_000);
const pairs = Number(flag('--pairs') ?? 1);
const baseline = flag('--baseline');
const cpuProfileDir = flag('--cpu-prof') ?? null;
const httpOnly = argv.includes('--http-only');
const CONNECTIONS = 100;
const FIRST_STEP = BENCH_PATH[0]!;
const THIS_CHECKOUT = fileURLToPath(new URL('../', import.meta.url));

/** Sends `requests` times the request `next` builds; every response must be a success envelope. */
async function load(server: ServerProcess, label: string, requests: number, next: LoadRequest['next'], measured: boolean): Promise<LoadFigures> {
  const figures = await runLoad(
    {
      connections: CONNECTIONS,
      pipelining: 1,
      durationSeconds: 600,
      maxRequests: requests,
      baseUrl: server.baseUrl,
      label,
      requests: [{ method: 'POST', next }],
      ...(measured ? { serverPid: server.pid } : {}),
    },
    silentProgress,
  );
  if (figures.failed > 0) throw new Error(`${label}: ${figures.failed} requests failed, first: ${figures.firstFailure}`);
  return figures;
}

/** Microseconds of server CPU per response. */
function cpuMicros(figures: LoadFigures): number {
  return (figures.serverCpuMsPerResponse ?? Number.NaN) * 1000;
}

/** Sends one request and fails unless it answers a success envelope. */
async function sendOnce(server: ServerProcess, request: { path: string; body: string }): Promise<void> {
  const response = await fetch(`${server.baseUrl}${request.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request.body });
  const text = await response.text();
  if (!text.includes('"success":true')) throw new Error(`${request.path}: ${response.status} ${text.slice(0, 300)}`);
}

/** CPU per create and per execute on `serverScript` of `checkout`, from a fresh data directory. */
async function measureServer(checkout: string, serverScript: string): Promise<{ create: number; execute: number }> {
  const workspace = await prepareWorkspace();
  try {
    const script = join(checkout, 'bench/servers', serverScript);
    const server = await startServer({ kind: 'waymark', script, env: { WAYMARK_DATA_DIR: workspace.dataDir }, cpuProfileDir });
    try {
      await waitForReadiness(server.baseUrl);
      // One instance created and moved on, one request at a time: the HTTP-layer server answers
      // every later call with these first results.
      const firstId = randomUUID();
      await sendOnce(server, createInstanceRequest(BENCH_SCHEME_CODE, firstId));
      await sendOnce(server, executeCommandRequest(firstId, FIRST_STEP.command, FIRST_STEP.identityId));
      const run = async (label: string, requests: number, measured: boolean): Promise<{ create: LoadFigures; execute: LoadFigures }> => {
        const ids = Array.from({ length: requests }, () => randomUUID());
        let created = 0;
        let executed = 0;
        const create = await load(server, `${label} create`, requests, () => createInstanceRequest(BENCH_SCHEME_CODE, ids[created++ % requests]!), measured);
        const execute = await load(server, `${label} execute`, requests, () => executeCommandRequest(ids[executed++ % requests]!, FIRST_STEP.command, FIRST_STEP.identityId), measured);
        return { create, execute };
      };
      await run('warm-up', Math.ceil(count / 10), false);
      const figures = await run('measured', count, true);
      return { create: cpuMicros(figures.create), execute: cpuMicros(figures.execute) };
    } finally {
      await server.stop();
    }
  } finally {
    workspace.remove();
  }
}

const format = (value: number, width: number): string => (Number.isNaN(value) ? '-' : value.toFixed(1)).padStart(width);
const ceiling = await startServer({ kind: 'ceiling', cpuProfileDir });
try {
  console.log(`server CPU µs per request, ${count} requests each, ${CONNECTIONS} connections`);
  console.log('pair  checkout   create  execute  http create  http execute  ceiling');
  for (let pair = 1; pair <= pairs; pair++) {
    const order = baseline === undefined ? [THIS_CHECKOUT] : pair % 2 === 1 ? [baseline, THIS_CHECKOUT] : [THIS_CHECKOUT, baseline];
    for (const checkout of order) {
      const full = httpOnly ? { create: Number.NaN, execute: Number.NaN } : await measureServer(checkout, 'waymark-server.mjs');
      const layer = await measureServer(checkout, 'http-layer-server.mjs');
      await load(ceiling, 'ceiling warm-up', Math.ceil(count / 10), () => createInstanceRequest(BENCH_SCHEME_CODE), false);
      const bare = cpuMicros(await load(ceiling, 'ceiling', count, () => createInstanceRequest(BENCH_SCHEME_CODE), true));
      const name = checkout === THIS_CHECKOUT ? 'this' : 'baseline';
      console.log(`${String(pair).padStart(4)}  ${name.padEnd(9)}${format(full.create, 7)}${format(full.execute, 9)}${format(layer.create, 13)}${format(layer.execute, 14)}${format(bare, 9)}`);
    }
  }
} finally {
  await ceiling.stop();
}
