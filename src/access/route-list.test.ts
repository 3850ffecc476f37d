import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { listRoutes, trackRoutes } from './route-list.js';

function sample(track: boolean) {
  const app = Fastify();
  if (track) trackRoutes(app);
  app.get('/workflowapi/:operation', async () => 1);
  app.post('/workflowapi/:operation', async () => 1);
  app.get('/workflowapi/:operation/:id', async () => 1);
  app.register(async (scope) => {
    scope.post('/admin/api/schemes', async () => 2);
  });
  return app;
}

const key = (route: { method: string; url: string }) => `${route.method} ${route.url}`;

test('tracked apps list every route with its method, also those of nested plugins', async (t) => {
  const app = sample(true);
  t.after(() => app.close());
  await app.ready();
  const routes = listRoutes(app).map(key);
  for (const expected of ['GET /workflowapi/:operation', 'POST /workflowapi/:operation', 'GET /workflowapi/:operation/:id', 'POST /admin/api/schemes']) {
    assert.ok(routes.includes(expected), expected);
  }
});

test('untracked apps are read from the route tree with the same result', async (t) => {
  const tracked = sample(true);
  const untracked = sample(false);
  t.after(() => Promise.all([tracked.close(), untracked.close()]));
  await Promise.all([tracked.ready(), untracked.ready()]);
  assert.deepEqual(new Set(listRoutes(untracked).map(key)), new Set(listRoutes(tracked).map(key)));
});
