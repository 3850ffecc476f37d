/**
 * `execute`: executecommand over HTTP on pre-created instances, then the full path
 * create → Submit → Approve → Sign (Finalized) per connection, each against the HTTP ceiling.
 */
import { createInstanceRequest, executeCommandRequest, measureHttpCeiling, requestCap, requireRoute, withWaymark } from '../http-scenario.js';
import { runLoad } from '../load.js';
import { againstCeiling, atMost, cpuAgainstCeiling, present, type ScenarioReport } from '../report.js';
import { mebibytes, type Scenario } from '../scenario.js';
import { measureStorageCeiling } from '../storage-ceiling.js';
import { BENCH_PATH, BENCH_SCHEME_CODE, databaseFacts } from '../workspace.js';
import { randomUUID } from 'node:crypto';

const FIRST_STEP = BENCH_PATH[0]!;

/** Commands executed per second, and full paths finished per second. */
export const executeScenario: Scenario = {
  name: 'execute',
  description: 'executecommand over HTTP, and the full path create → 3 commands → Finalized',
  async run(options, progress): Promise<ScenarioReport> {
    const shape = { connections: options.connections, pipelining: options.pipelining, durationSeconds: options.durationSeconds, maxRequests: requestCap(options) };
    const measured = await withWaymark(options, async ({ server, workspace }) => {
      await requireRoute(server.baseUrl, createInstanceRequest(BENCH_SCHEME_CODE));
      // Phase 1 (not reported): instances for the commands to run on.
      const created: string[] = [];
      await runLoad(
        {
          ...shape,
          baseUrl: server.baseUrl,
          label: 'execute: creating instances',
          requests: [
            {
              method: 'POST',
              next: (context) => {
                context.id = randomUUID();
                return createInstanceRequest(BENCH_SCHEME_CODE, context.id as string);
              },
              onSuccess: (context) => created.push(context.id as string),
            },
          ],
        },
        progress,
      );
      let nextIndex = 0;
      const commands = await runLoad(
        {
          ...shape,
          maxRequests: created.length,
          baseUrl: server.baseUrl,
          serverPid: server.pid,
          label: 'execute: Submit',
          requests: [{ method: 'POST', next: () => executeCommandRequest(created[nextIndex++ % created.length]!, FIRST_STEP.command, FIRST_STEP.identityId) }],
        },
        progress,
      );
      // Each connection walks one instance at a time through the whole path: autocannon sends a
      // connection's sequence in order and keeps its context for the pass.
      let finished = 0;
      const beforePaths = databaseFacts(workspace.databaseFile, false);
      const paths = await runLoad(
        {
          ...shape,
          pipelining: 1,
          baseUrl: server.baseUrl,
          label: 'execute: full path',
          requests: [
            {
              method: 'POST',
              next: (context) => {
                context.id = randomUUID();
                return createInstanceRequest(BENCH_SCHEME_CODE, context.id as string);
              },
            },
            ...BENCH_PATH.map((step, index) => ({
              method: 'POST' as const,
              next: (context: Record<string, unknown>) => executeCommandRequest(context.id as string, step.command, step.identityId),
              ...(index === BENCH_PATH.length - 1 ? { onSuccess: () => finished++ } : {}),
            })),
          ],
        },
        progress,
      );
      const afterPaths = databaseFacts(workspace.databaseFile, false);
      return { commands, paths, finished, beforePaths, afterPaths };
    });
    const ceiling = await measureHttpCeiling(
      { ...shape, label: 'execute', requests: [{ method: 'POST', next: () => executeCommandRequest(randomUUID(), FIRST_STEP.command, FIRST_STEP.identityId) }] },
      progress,
    );
    const storage = await measureStorageCeiling(options.durationSeconds, requestCap(options), progress);

    const { commands, paths, finished, beforePaths, afterPaths } = measured.result;
    const pathInstances = afterPaths.instances - beforePaths.instances;
    if (commands.succeeded === 0) {
      return { scenario: 'execute', status: 'failed', reason: `no executecommand succeeded: ${commands.firstFailure ?? 'no response'}`, measurements: [], parameters: {} };
    }
    const instances = measured.after.instances - measured.before.instances;
    const finalized = measured.after.finalized - measured.before.finalized;
    return {
      scenario: 'execute',
      status: 'measured',
      measurements: [
        againstCeiling('commands executed per second', commands.perSecond, 'req/s', 'HTTP ceiling', ceiling.perSecond, 0.25),
        againstCeiling('commands executed per second', commands.perSecond, 'tx/s', 'storage ceiling', storage.perSecond),
        ...present(cpuAgainstCeiling('server CPU per command (ratio: ceiling ÷ ours)', commands.serverCpuMsPerResponse, ceiling.serverCpuMsPerResponse)),
        ...present(cpuAgainstCeiling('server main-thread CPU per command (ratio: ceiling ÷ ours)', commands.serverMainThreadCpuMsPerResponse, ceiling.serverMainThreadCpuMsPerResponse)),
        atMost('command latency p50', commands.latency.p50, 'ms', undefined),
        atMost('command latency p95', commands.latency.p95, 'ms', undefined),
        atMost('command latency p99', commands.latency.p99, 'ms', undefined),
        atMost('failed commands', commands.failed, 'requests', 0),
        againstCeiling('full paths (create + 3 commands) per second', finished / paths.seconds, 'paths/s', 'HTTP ceiling ÷ 4', ceiling.perSecond / 4, 0.25),
        atMost('full path request latency p99', paths.latency.p99, 'ms', undefined),
        atMost('failed full-path requests', paths.failed, 'requests', 0),
        {
          ...atMost('peak RSS', mebibytes(measured.peakRssBytes ?? 0), 'MiB', 150),
          ceiling: { name: 'bare fastify', value: mebibytes(ceiling.peakRssBytes ?? 0) },
        },
        atMost(
          'bytes stored per full-path instance (history included)',
          pathInstances > 0 ? (afterPaths.bytes - beforePaths.bytes) / pathInstances : 0,
          'B',
          2048,
        ),
        atMost('bytes stored per instance, all phases', instances > 0 ? (measured.after.bytes - measured.before.bytes) / instances : 0, 'B', undefined),
      ],
      parameters: {
        connections: options.connections,
        pipelining: options.pipelining,
        durationSeconds: options.durationSeconds,
        instancesStored: instances,
        instancesFinalized: finalized,
        fullPathsFinished: finished,
        fullPathInstancesFinalized: afterPaths.finalized - beforePaths.finalized,
        fullPathInstancesStored: pathInstances,
      },
    };
  },
};
