/**
 * `latency`: a durable write (createinstance) and a read (getinstanceinfo) each at a fixed
 * request rate, p50/p95/p99, beside the HTTP ceiling at the same rate.
 *
 * The target rows are paced evenly (one request every 1/rate s, open loop, latency from the
 * moment each is sent; how late the generator's timer sent it is reported apart). autocannon's own overallRate sends each second's requests as a burst at the start of
 * the second; the write is measured that way too and reported beside it, with its own ceiling.
 */
import { randomUUID } from 'node:crypto';
import { createInstanceRequest, measureHttpCeiling, requestCap, requireRoute, withWaymark } from '../http-scenario.js';
import { runLoad } from '../load.js';
import { measureStorageCommitLatency } from '../storage-ceiling.js';
import { atMost, type ScenarioReport } from '../report.js';
import { mebibytes, type Scenario } from '../scenario.js';
import { BENCH_SCHEME_CODE } from '../workspace.js';

const READ_INSTANCES = 100;
/**
 * A fixed rate needs few connections; with 100, autocannon sends each second's requests in
 * bursts across all of them, and even the bare ceiling's p50 rises to ~4 ms.
 */
const MAX_LATENCY_CONNECTIONS = 10;
/**
 * Sent before each evenly paced measurement at the same rate and left out of its figures (its
 * own p99 is reported): a fresh server's first second runs unoptimised code, opens its
 * connections and grows its WAL file, and those requests set the p99 of a 10 s run
 * (docs/performance.md, "Round 5").
 */
const WARMUP_SECONDS = 2;

/** Latency percentiles of durable writes and of reads at `--rate` requests per second. */
export const latencyScenario: Scenario = {
  name: 'latency',
  description: 'createinstance (write) and getinstanceinfo (read) at a fixed rate: p50/p95/p99',
  async run(options, progress): Promise<ScenarioReport> {
    const plan = {
      connections: Math.min(options.connections, MAX_LATENCY_CONNECTIONS),
      pipelining: 1,
      durationSeconds: options.durationSeconds,
      maxRequests: Math.min(requestCap(options), Math.ceil(options.rate * options.durationSeconds)),
      overallRate: options.rate,
      pacing: 'even' as const,
      warmupSeconds: Math.min(WARMUP_SECONDS, options.durationSeconds),
      requests: [{ method: 'POST' as const, next: () => createInstanceRequest(BENCH_SCHEME_CODE) }],
    };
    const measured = await withWaymark(options, async ({ server }) => {
      await requireRoute(server.baseUrl, createInstanceRequest(BENCH_SCHEME_CODE));
      const writes = await runLoad({ ...plan, baseUrl: server.baseUrl, label: `latency: createinstance at ${options.rate} req/s` }, progress);
      // Instances to read, created before the read load so it measures reads only.
      // Sent at once, so the store group-commits them.
      const readable = (
        await Promise.all(
          Array.from({ length: READ_INSTANCES }, async () => {
            const request = createInstanceRequest(BENCH_SCHEME_CODE, randomUUID());
            const response = await fetch(`${server.baseUrl}${request.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request.body });
            return (await response.text()).includes('"success":true') ? request.path.split('/').pop()! : null;
          }),
        )
      ).filter((id): id is string => id !== null);
      const reads = await runLoad(
        {
          ...plan,
          baseUrl: server.baseUrl,
          label: `latency: getinstanceinfo at ${options.rate} req/s`,
          requests: [{ method: 'POST', next: () => ({ path: `/workflowapi/getinstanceinfo/${readable[Math.floor(Math.random() * readable.length)] ?? randomUUID()}`, body: '{}' }) }],
        },
        progress,
      );
      const burstWrites = await runLoad(
        { ...plan, pacing: 'bursts', baseUrl: server.baseUrl, label: `latency: createinstance at ${options.rate} req/s in per-second bursts` },
        progress,
      );
      return { writes, reads, burstWrites };
    });
    const ceiling = await measureHttpCeiling({ ...plan, label: 'latency' }, progress);
    const burstCeiling = await measureHttpCeiling({ ...plan, pacing: 'bursts', label: 'latency, per-second bursts' }, progress);
    const storageCommit = await measureStorageCommitLatency(options.rate, options.durationSeconds, progress);
    const { writes, reads, burstWrites } = measured.result;
    for (const [name, load] of [['createinstance', writes], ['getinstanceinfo', reads], ['createinstance in bursts', burstWrites]] as const) {
      if (load.succeeded === 0) {
        return { scenario: 'latency', status: 'failed', reason: `no ${name} succeeded: ${load.firstFailure ?? 'no response'}`, measurements: [], parameters: {} };
      }
    }
    const withCeiling = (metric: string, ours: number, bare: number, limit?: number, ceilingName = 'HTTP ceiling') => ({
      ...atMost(metric, ours, 'ms', limit),
      ceiling: { name: ceilingName, value: bare },
      ratio: bare > 0 ? ours / bare : 0,
      ratioAsTimes: true,
    });
    return {
      scenario: 'latency',
      status: 'measured',
      measurements: [
        atMost('write (createinstance): achieved rate', writes.perSecond, 'req/s', undefined),
        withCeiling('write (createinstance): latency p50', writes.latency.p50, ceiling.latency.p50),
        withCeiling('write (createinstance): latency p95', writes.latency.p95, ceiling.latency.p95),
        withCeiling('write (createinstance): latency p99', writes.latency.p99, ceiling.latency.p99, 5),
        atMost('write (createinstance): failed requests', writes.failed, 'requests', 0),
        atMost(`write (createinstance): warm-up, the first ${plan.warmupSeconds} s at the same rate (not in the latency above), p99`, writes.warmupLatency?.p99 ?? 0, 'ms', undefined),
        atMost('load generator: write sent after its due moment, p99 (not in the latency above)', writes.sendLag?.p99 ?? 0, 'ms', undefined),
        withCeiling('write (createinstance): latency p99 counted from the due moment (send lag included)', writes.latencyFromDue?.p99 ?? 0, ceiling.latencyFromDue?.p99 ?? 0),
        atMost('storage ceiling: one durable single-row commit at the same rate, p50', storageCommit.p50, 'ms', undefined),
        atMost('storage ceiling: one durable single-row commit at the same rate, p99', storageCommit.p99, 'ms', undefined),
        atMost('read (getinstanceinfo): achieved rate', reads.perSecond, 'req/s', undefined),
        withCeiling('read (getinstanceinfo): latency p50', reads.latency.p50, ceiling.latency.p50),
        withCeiling('read (getinstanceinfo): latency p95', reads.latency.p95, ceiling.latency.p95),
        withCeiling('read (getinstanceinfo): latency p99', reads.latency.p99, ceiling.latency.p99, 5),
        atMost('read (getinstanceinfo): failed requests', reads.failed, 'requests', 0),
        atMost(`read (getinstanceinfo): warm-up, the first ${plan.warmupSeconds} s at the same rate (not in the latency above), p99`, reads.warmupLatency?.p99 ?? 0, 'ms', undefined),
        withCeiling('write in autocannon per-second bursts: latency p50', burstWrites.latency.p50, burstCeiling.latency.p50, undefined, 'HTTP ceiling, bursts'),
        withCeiling('write in autocannon per-second bursts: latency p99', burstWrites.latency.p99, burstCeiling.latency.p99, undefined, 'HTTP ceiling, bursts'),
        atMost('write in autocannon per-second bursts: failed requests', burstWrites.failed, 'requests', 0),
        {
          ...atMost('peak RSS', mebibytes(measured.peakRssBytes ?? 0), 'MiB', 150),
          ceiling: { name: 'bare fastify', value: mebibytes(ceiling.peakRssBytes ?? 0) },
        },
      ],
      parameters: { rate: options.rate, connections: plan.connections, durationSeconds: options.durationSeconds, warmupSeconds: plan.warmupSeconds, pacing: 'even (target rows); autocannon bursts (burst rows)' },
    };
  },
};
