/**
 * The HTTP ceiling: a bare fastify route answering the Workflow API's constant envelope.
 * Whatever Waymark does per request costs on top of this. Runs as a child process of the bench,
 * as plain JavaScript so it starts without the TypeScript loader.
 */
import Fastify from 'fastify';

const ENVELOPE = { success: true, data: null, error: null, message: null };

const app = Fastify({ logger: false });
app.all('/*', async () => ENVELOPE);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
