/**
 * Waymark's HTTP layer alone: started as bench/servers/waymark-server.mjs starts Waymark (compiled
 * dist/ bundle, production plugins, access control, logger, runtime), except that the service's
 * `createInstance` and `executeCommand` answer at once without touching the store: once a call of
 * each has succeeded for real, later calls return its result again (so the response has the real
 * shape and size; the client makes those first calls one at a time). Its CPU per request minus the bare fastify route's is what routing, hooks,
 * body parsing, the access check, parameter parsing, logging and the envelope cost
 * (bench/http-steps.ts). Same environment and announcement as waymark-server.mjs.
 */
import { loadConfig } from '../../dist/config/index.bundle.js';
import { installedPlugins, startServer } from '../../dist/server/index.bundle.js';

const stubbed = new WeakSet();

/** Makes `method` of `services` resolve with its first successful real result from then on. */
function answerWithFirstResult(services, method) {
  const real = services[method].bind(services);
  let first = null;
  services[method] = async (input) => {
    if (first !== null) return first;
    const result = await real(input);
    first = result;
    return result;
  };
}

const plugins = installedPlugins().map((plugin) => ({
  ...plugin,
  async register(app, context) {
    const workflow = context.services.workflow;
    if (!stubbed.has(workflow)) {
      stubbed.add(workflow);
      answerWithFirstResult(workflow, 'createInstance');
      answerWithFirstResult(workflow, 'executeCommand');
    }
    await plugin.register(app, context);
  },
}));

const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', WAYMARK_LOG_LEVEL: process.env.WAYMARK_LOG_LEVEL ?? 'warn' });
const server = await startServer(config, { handleSignals: false, plugins });
process.stdout.write(`${JSON.stringify({ port: Number(new URL(server.url).port) })}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
