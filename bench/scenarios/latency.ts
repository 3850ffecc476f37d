/** `latency`: createinstance at a fixed request rate (autocannon overallRate), p50/p95/p99. */
import { createInstanceRequest, measureHttpCeiling, requestCap, requireRoute, withWaymark } from '../http-scenario.js';
import { runLoad } from '../load.js';
import { atMost, type ScenarioReport } from '../report.js';
import { mebibytes, type Scenario } from '../scenario.js';
import { BENCH_SCHEME_CODE } from '../workspace.js';

/** Latency percentiles of durable writes at `--rate` requests per second. */
export const latencyScenario: Scenario = {
  name: 'latency',
  description: 'createinstance at a fixed rate: p50/p95/p99',
  async run(options, progress): Promise<ScenarioReport> {
    const plan = {
      connections: options.connections,
      pipelining: 1,
      durationSeconds: options.durationSeconds,
      maxRequests: Math.min(requestCap(options), Math.ceil(options.rate * options.durationSeconds)),
      overallRate: options.rate,
      requests: [{ method: 'POST' as const, next: () => createInstanceRequest(BENCH_SCHEME_CODE) }],
    };
    const measured = await withWaymark(options, async ({ server }) => {
      await requireRoute(server.baseUrl, createInstanceRequest(BENCH_SCHEME_CODE));
      return runLoad({ ...plan, baseUrl: server.baseUrl, label: `latency at ${options.rate} req/s` }, progress);
    });
    const ceiling = await measureHttpCeiling({ ...plan, label: 'latency' }, progress);
    const load = measured.result;
    if (load.succeeded === 0) {
      return { scenario: 'latency', status: 'failed', reason: `no request succeeded: ${load.firstFailure ?? 'no response'}`, measurements: [], parameters: {} };
    }
    const withCeiling = (metric: string, ours: number, bare: number, limit?: number) => ({
      ...atMost(metric, ours, 'ms', limit),
      ceiling: { name: 'HTTP ceiling', value: bare },
      ratio: bare > 0 ? ours / bare : 0,
      ratioAsTimes: true,
    });
    return {
      scenario: 'latency',
      status: 'measured',
      measurements: [
        atMost('achieved rate', load.perSecond, 'req/s', undefined),
        withCeiling('latency p50', load.latency.p50, ceiling.latency.p50),
        withCeiling('latency p95', load.latency.p95, ceiling.latency.p95),
        withCeiling('latency p99', load.latency.p99, ceiling.latency.p99, 5),
        atMost('failed requests', load.failed, 'requests', 0),
        {
          ...atMost('peak RSS', mebibytes(measured.peakRssBytes ?? 0), 'MiB', 150),
          ceiling: { name: 'bare fastify', value: mebibytes(ceiling.peakRssBytes ?? 0) },
        },
      ],
      parameters: { rate: options.rate, connections: options.connections, durationSeconds: options.durationSeconds },
    };
  },
};
