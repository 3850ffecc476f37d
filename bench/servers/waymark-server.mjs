/**
 * Waymark itself, started the way `npm start` / `waymark serve` starts it: compiled JavaScript
 * from dist/ in its bundle (scripts/bundle.mjs; both built by the bench when src/ is newer),
 * `startServer` with the production plugins (`installedPlugins()`: identity, Workflow API, admin
 * API), the runtime (timers, outbox) running.
 * Config comes from the environment: WAYMARK_DATA_DIR, PORT=0, HOST=127.0.0.1.
 * Plain JavaScript, so no TypeScript loader is in the figures.
 */
import { loadConfig } from '../../dist/config/index.bundle.js';
import { startServer } from '../../dist/server/index.bundle.js';

const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', WAYMARK_LOG_LEVEL: process.env.WAYMARK_LOG_LEVEL ?? 'warn' });
const server = await startServer(config, { handleSignals: false });
process.stdout.write(`${JSON.stringify({ port: Number(new URL(server.url).port) })}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
