/**
 * `query`: reads with many instances stored: a user's inbox and a page of getinstances,
 * one connection at a time (latency, not throughput), against the HTTP ceiling.
 */
import { measureHttpCeiling, requestCap, requireRoute, withWaymark } from '../http-scenario.js';
import { runLoad, type LoadFigures } from '../load.js';
import { atMost, type Measurement, type ScenarioReport } from '../report.js';
import { mebibytes, type Scenario } from '../scenario.js';
import { INBOX_ITEMS_PER_USER, seedInstances, seededUserCount } from '../seed.js';
import { prepareWorkspace } from '../workspace.js';

/** p50/p95/p99 of inbox and getinstances with `--instances` stored. */
export const queryScenario: Scenario = {
  name: 'query',
  description: 'inbox for a user and a getinstances page with N instances stored: p50/p95/p99',
  async run(options, progress): Promise<ScenarioReport> {
    const users = seededUserCount(options.instances);
    const inbox = () => ({ path: '/workflowapi/inbox', body: JSON.stringify({ identityId: `user-${Math.floor(Math.random() * users)}` }) });
    const page = () => ({ path: '/workflowapi/getinstances', body: JSON.stringify({ take: 10, skip: Math.floor(Math.random() * 100), sort: 'CreationDate desc' }) });
    const shape = { connections: 1, pipelining: 1, durationSeconds: options.durationSeconds, maxRequests: requestCap(options) };

    const workspace = await prepareWorkspace();
    let seedSeconds: number;
    try {
      seedSeconds = await seedInstances(workspace.databaseFile, options.instances, progress);
    } catch (error) {
      workspace.remove();
      throw error;
    }
    const measured = await withWaymark(
      options,
      async ({ server }) => {
        await requireRoute(server.baseUrl, inbox());
        await requireRoute(server.baseUrl, page());
        const inboxFigures = await runLoad({ ...shape, baseUrl: server.baseUrl, label: 'query: inbox', requests: [{ method: 'POST', next: inbox }] }, progress);
        const pageFigures = await runLoad({ ...shape, baseUrl: server.baseUrl, label: 'query: getinstances', requests: [{ method: 'POST', next: page }] }, progress);
        return { inboxFigures, pageFigures };
      },
      { workspace, measureRestart: true },
    );
    const ceiling = await measureHttpCeiling({ ...shape, label: 'query', requests: [{ method: 'POST', next: inbox }] }, progress);
    const { inboxFigures, pageFigures } = measured.result;
    const rows = (name: string, figures: LoadFigures): Measurement[] => [
      atMost(`${name} p50`, figures.latency.p50, 'ms', undefined),
      { ...atMost(`${name} p95`, figures.latency.p95, 'ms', 5), ceiling: { name: 'HTTP ceiling p95', value: ceiling.latency.p95 } },
      atMost(`${name} p99`, figures.latency.p99, 'ms', undefined),
      atMost(`${name} failed requests`, figures.failed, 'requests', 0),
    ];
    return {
      scenario: 'query',
      status: 'measured',
      measurements: [
        ...rows(`inbox (${INBOX_ITEMS_PER_USER} items)`, inboxFigures),
        ...rows('getinstances (take 10)', pageFigures),
        atMost(`peak RSS with ${options.instances.toLocaleString('en-US')} instances`, mebibytes(measured.peakRssBytes ?? 0), 'MiB', 150),
        atMost(`first start to /readiness OK (with ${options.instances.toLocaleString('en-US')} instances)`, measured.readyMs, 'ms', 1000),
        atMost('restart to /readiness OK', measured.restartReadyMs ?? 0, 'ms', 1000),
        atMost('bytes stored per seeded instance', measured.before.instances > 0 ? measured.before.bytes / measured.before.instances : 0, 'B', undefined),
      ],
      parameters: { instances: options.instances, users, durationSeconds: options.durationSeconds, seedSeconds: Math.round(seedSeconds * 10) / 10 },
    };
  },
};
