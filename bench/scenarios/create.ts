/** `create`: createinstance over HTTP, against the HTTP and storage ceilings. */
import { createInstanceRequest, measureHttpCeiling, requestCap, requireRoute, withWaymark } from '../http-scenario.js';
import { runLoad } from '../load.js';
import { againstCeiling, atMost, cpuAgainstCeiling, present, type ScenarioReport } from '../report.js';
import { mebibytes, type Scenario } from '../scenario.js';
import { measureStorageCeiling } from '../storage-ceiling.js';
import { BENCH_SCHEME_CODE } from '../workspace.js';

/** Instances created per second over `/workflowapi/createinstance`. */
export const createScenario: Scenario = {
  name: 'create',
  description: 'createinstance over HTTP (3-step scheme with one actor rule)',
  async run(options, progress): Promise<ScenarioReport> {
    const plan = {
      connections: options.connections,
      pipelining: options.pipelining,
      durationSeconds: options.durationSeconds,
      maxRequests: requestCap(options),
      requests: [{ method: 'POST' as const, next: () => createInstanceRequest(BENCH_SCHEME_CODE) }],
    };
    const measured = await withWaymark(options, async ({ server }) => {
      await requireRoute(server.baseUrl, createInstanceRequest(BENCH_SCHEME_CODE));
      return runLoad({ ...plan, baseUrl: server.baseUrl, serverPid: server.pid, label: 'create' }, progress);
    }, { measureRestart: true });
    const ceiling = await measureHttpCeiling({ ...plan, label: 'create' }, progress);
    const storage = await measureStorageCeiling(options.durationSeconds, requestCap(options), progress);
    const load = measured.result;
    if (load.succeeded === 0) {
      return { scenario: 'create', status: 'failed', reason: `no createinstance succeeded: ${load.firstFailure ?? 'no response'}`, measurements: [], parameters: {} };
    }
    const created = measured.after.instances - measured.before.instances;
    return {
      scenario: 'create',
      status: 'measured',
      measurements: [
        againstCeiling('instances created per second', load.perSecond, 'req/s', 'HTTP ceiling', ceiling.perSecond, 0.25),
        againstCeiling('instances created per second', load.perSecond, 'tx/s', 'storage ceiling', storage.perSecond),
        ...present(cpuAgainstCeiling('server CPU per createinstance (ratio: ceiling ÷ ours)', load.serverCpuMsPerResponse, ceiling.serverCpuMsPerResponse)),
        ...present(cpuAgainstCeiling('server main-thread CPU per createinstance (ratio: ceiling ÷ ours)', load.serverMainThreadCpuMsPerResponse, ceiling.serverMainThreadCpuMsPerResponse)),
        atMost('latency p50', load.latency.p50, 'ms', undefined),
        atMost('latency p95', load.latency.p95, 'ms', undefined),
        atMost('latency p99', load.latency.p99, 'ms', undefined),
        atMost('failed requests', load.failed, 'requests', 0),
        {
          ...atMost('peak RSS', mebibytes(measured.peakRssBytes ?? 0), 'MiB', 150),
          ceiling: { name: 'bare fastify', value: mebibytes(ceiling.peakRssBytes ?? 0) },
        },
        atMost('bytes stored per created instance', created > 0 ? (measured.after.bytes - measured.before.bytes) / created : 0, 'B', undefined),
        atMost('first start to /readiness OK (creates the signing key)', measured.readyMs, 'ms', 1000),
        atMost('restart to /readiness OK', measured.restartReadyMs ?? 0, 'ms', 1000),
      ],
      parameters: { connections: options.connections, pipelining: options.pipelining, durationSeconds: options.durationSeconds, instancesCreated: created },
    };
  },
};
