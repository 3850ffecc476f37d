/**
 * One Waymark node as a separate process, for the multi-node tests: exactly what `waymark serve`
 * runs (`startServer`: the store from DATABASE_URL, every installed plugin, the runtime and the
 * cluster node), on a free loopback port. Prints one JSON line `{"url","nodeId"}` on stdout once
 * it listens; SIGTERM stops it cleanly.
 *
 * Environment: DATABASE_URL, WAYMARK_NODE_TIMEOUT_MS.
 */
import { loadConfig } from '../../src/config/index.js';
import { startServer } from '../../src/server/start-server.js';
import { createLogger } from '../../src/logging/index.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { port: 0, host: '127.0.0.1', logLevel: 'warn' });
  const server = await startServer(config, { logger: createLogger({ level: 'warn' }), handleSignals: false });
  process.stdout.write(`${JSON.stringify({ url: server.url, nodeId: server.nodeId })}\n`);
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
