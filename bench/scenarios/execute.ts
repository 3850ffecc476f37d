/**
 * `execute`: executecommand over HTTP on pre-created instances, then the full path
 * create → Submit → Approve → Sign (Finalized) per connection, each against the HTTP ceiling.
 */
import { createInstanceRequest, executeCommandRequest, measureHttpCeiling, requestCap, requireRoute, withWaymark } from '../http-scenario.js';
import { runLoad } from '../load.js';
import { againstCeiling, atMost, type ScenarioReport } from '../report.js';
import { mebibytes, type Scenario } from '../scenario.js';
import { measureStorageCeiling } from '../storage-ceiling.js';
import { BENCH_PATH, BENCH_SCHEME_CODE } from '../workspace.js';
import { randomUUID } from 'node:crypto';

const FIRST_STEP = BENCH_PATH[0]!;

/** Commands executed per second, and full paths finished per second. */
export const executeScenario: Scenario = {
  name: 'execute',
  description: 'executecommand over HTTP, and the full path create → 3 commands → Finalized',
  async run(options, progress): Promise<ScenarioReport> {
    const shape = { connections: options.connections, pipelining: options.pipelining, durationSeconds: options.durationSeconds, maxRequests: requestCap(options) };
    const measured = await withWaymark(options, async ({ server }) => {
      await requireRoute(server.baseUrl, createInstanceRequest(BENCH_SCHEME_CODE));
      // Phase 1 (not reported): instances for the commands to run on.
      const created: string[] = [];
      await runLoad(
        {
          ...shape,
          baseUrl: server.baseUrl,
          label: 'execute: creating instances',
          request: {
            method: 'POST',
            next: (context) => {
              context.id = randomUUID();
              return createInstanceRequest(BENCH_SCHEME_CODE, context.id as string);
            },
            onSuccess: (context) => created.push(context.id as string),
          },
        },
        progress,
      );
      let nextIndex = 0;
      const commands = await runLoad(
        {
          ...shape,
          maxRequests: created.length,
          baseUrl: server.baseUrl,
          label: 'execute: Submit',
          request: { method: 'POST', next: () => executeCommandRequest(created[nextIndex++ % created.length]!, FIRST_STEP.command, FIRST_STEP.identityId) },
        },
        progress,
      );
      // Each connection walks its own instance through the path, one request at a time.
      let finished = 0;
      const paths = await runLoad(
        {
          ...shape,
          pipelining: 1,
          baseUrl: server.baseUrl,
          label: 'execute: full path',
          request: {
            method: 'POST',
            next: (context) => {
              const step = (context.step as number | undefined) ?? 0;
              if (step === 0) {
                context.id = randomUUID();
                return createInstanceRequest(BENCH_SCHEME_CODE, context.id as string);
              }
              const command = BENCH_PATH[step - 1]!;
              return executeCommandRequest(context.id as string, command.command, command.identityId);
            },
            onSuccess: (context) => {
              const step = ((context.step as number | undefined) ?? 0) + 1;
              if (step > BENCH_PATH.length) {
                finished++;
                context.step = 0;
              } else context.step = step;
            },
            onFailure: (context) => {
              context.step = 0;
            },
          },
        },
        progress,
      );
      return { commands, paths, finished };
    });
    const ceiling = await measureHttpCeiling(
      { ...shape, label: 'execute', request: { method: 'POST', next: () => executeCommandRequest(randomUUID(), FIRST_STEP.command, FIRST_STEP.identityId) } },
      progress,
    );
    const storage = await measureStorageCeiling(options.durationSeconds, requestCap(options), progress);

    const { commands, paths, finished } = measured.result;
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
        atMost('command latency p50', commands.latency.p50, 'ms', undefined),
        atMost('command latency p95', commands.latency.p95, 'ms', undefined),
        atMost('command latency p99', commands.latency.p99, 'ms', undefined),
        atMost('failed commands', commands.failed, 'requests', 0),
        againstCeiling('full paths (create + 3 commands) per second', finished / paths.seconds, 'paths/s', 'HTTP ceiling ÷ 4', ceiling.perSecond / 4, 0.25),
        atMost('full path request latency p99', paths.latency.p99, 'ms', undefined),
        atMost('failed full-path requests', paths.failed, 'requests', 0),
        atMost('peak RSS', mebibytes(measured.peakRssBytes ?? 0), 'MiB', 150),
        atMost('bytes stored per instance (history included)', instances > 0 ? (measured.after.bytes - measured.before.bytes) / instances : 0, 'B', 2048),
      ],
      parameters: {
        connections: options.connections,
        pipelining: options.pipelining,
        durationSeconds: options.durationSeconds,
        instancesStored: instances,
        instancesFinalized: finalized,
        fullPathsFinished: finished,
      },
    };
  },
};
