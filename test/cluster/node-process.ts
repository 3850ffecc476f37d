/**
 * One Waymark node as a separate process, for the multi-node tests: the store from
 * DATABASE_URL, the Workflow API and the rest of the installed plugins, the runtime (timer
 * scheduler and outbox) and the cluster node, composed as a serving node does. Prints one JSON
 * line `{"url","nodeId"}` on stdout once it listens; SIGTERM stops it cleanly.
 *
 * Environment: DATABASE_URL, WAYMARK_NODE_TIMEOUT_MS.
 */
import { clusterRuntimeTimings, joinCluster, nodeTimeoutFromEnvironment } from '../../src/cluster/index.js';
import { loadConfig } from '../../src/config/index.js';
import { buildServer } from '../../src/http/build-server.js';
import { installedPlugins } from '../../src/http/installed-plugins.js';
import { createLogger } from '../../src/logging/index.js';
import { WorkflowRuntime } from '../../src/runtime/index.js';
import { systemClock, WorkflowService } from '../../src/services/index.js';
import { createStore } from '../../src/store/index.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { port: 0, host: '127.0.0.1', logLevel: 'warn' });
  const logger = createLogger({ level: 'warn' });
  const nodeTimeoutMs = nodeTimeoutFromEnvironment(process.env);
  const baseStore = await createStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl ?? '' });
  const cluster = await joinCluster({
    databaseUrl: config.databaseUrl,
    clock: systemClock,
    nodeTimeoutMs,
    onError: (error, what) => logger.warn({ err: error }, what),
  });
  const store = cluster.announcing(baseStore);
  const service = new WorkflowService({ store, clock: systemClock, maxAutoSteps: config.maxAutoSteps });
  const runtime = new WorkflowRuntime({
    service,
    deliver: async () => undefined,
    scheduler: { ...clusterRuntimeTimings(nodeTimeoutMs), batchSize: 100, concurrency: 8 },
    dispatcher: clusterRuntimeTimings(nodeTimeoutMs),
    onError: (error, what) => logger.warn({ err: error }, what),
  });
  cluster.bindRuntime(service, runtime);
  const app = await buildServer({ config, store, services: service, logger, clock: systemClock, plugins: installedPlugins() });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  runtime.start();
  process.stdout.write(`${JSON.stringify({ url, nodeId: cluster.node.id })}\n`);

  process.once('SIGTERM', () => {
    void (async () => {
      await app.close();
      await runtime.stop();
      await cluster.node.stop();
      await baseStore.close();
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
