/**
 * Waymark itself, started the way `waymark serve` starts it (config from the environment:
 * WAYMARK_DATA_DIR, PORT=0, HOST=127.0.0.1), as a child process of the bench.
 */
import { loadConfig } from '../../src/config/index.js';
import { waymarkPlugin as workflowApi } from '../../src/dialects/workflow-api/index.js';
import { startServer } from '../../src/http/index.js';

const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', WAYMARK_LOG_LEVEL: process.env.WAYMARK_LOG_LEVEL ?? 'warn' });
// The dialects the production `serve` command mounts; only the Workflow API exists so far.
const server = await startServer(config, { handleSignals: false, plugins: [workflowApi] });
process.stdout.write(`${JSON.stringify({ port: Number(new URL(server.url).port) })}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
