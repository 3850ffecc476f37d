/**
 * The load runner's evenly paced mode against a tiny local server: the planned count is sent,
 * answers are sorted into succeeded and failed, and each pass through the request list has its
 * own context. (No timing is asserted: speed belongs to the bench itself.)
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { runLoad } from './load.js';
import { silentProgress as quiet } from './progress.js';

async function startServer(answer: (path: string, body: string) => { status: number; body: string }): Promise<{ url: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      seen.push(`${request.method} ${request.url} ${body}`);
      const reply = answer(request.url ?? '', body);
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('an evenly paced load sends rate × duration requests and sorts the answers', async (t) => {
  const server = await startServer((path) =>
    path.endsWith('/bad') ? { status: 200, body: '{"success":false,"error":"no"}' } : { status: 200, body: '{"success":true,"data":"id-1"}' },
  );
  t.after(server.close);
  const created: string[] = [];
  const figures = await runLoad(
    {
      baseUrl: server.url,
      connections: 3,
      pipelining: 1,
      durationSeconds: 0.2,
      maxRequests: 1000,
      overallRate: 100,
      pacing: 'even',
      label: 'test',
      requests: [
        {
          method: 'POST',
          next: (context) => {
            context.pass = (Number(context.pass ?? 0) || 0) + 1;
            return { path: '/create', body: '{"n":1}' };
          },
          onSuccess: (_context, body) => created.push(body),
        },
        { method: 'GET', next: (context) => ({ path: context.pass === 1 ? '/bad' : '/unexpected' }) },
      ],
    },
    quiet,
  );
  assert.equal(figures.requests, 20);
  assert.equal(figures.succeeded, 10);
  assert.equal(figures.failed, 10);
  assert.equal(figures.firstFailure, '200 {"success":false,"error":"no"}');
  assert.equal(figures.latency.count, 10);
  // Latency runs from the send; how late the timer sent each request is reported apart, for every request sent.
  assert.equal(figures.sendLag?.count, 20);
  assert.equal(figures.latencyFromDue?.count, 10);
  assert.ok(figures.latencyFromDue!.max >= figures.latency.max);
  assert.equal(created.length, 10);
  // A fresh context per pass: the second request of every pass sees pass 1, never a count carried over.
  assert.equal(server.seen.filter((line) => line.startsWith('GET /bad')).length, 10);
  assert.equal(server.seen.filter((line) => line.startsWith('POST /create {"n":1}')).length, 10);
});

test('an evenly paced load counts a server error as a failed request', async (t) => {
  const server = await startServer(() => ({ status: 500, body: 'boom' }));
  t.after(server.close);
  const figures = await runLoad(
    { baseUrl: server.url, connections: 2, pipelining: 1, durationSeconds: 0.05, maxRequests: 3, overallRate: 1000, pacing: 'even', label: 'test', requests: [{ method: 'GET', next: () => ({ path: '/x' }) }] },
    quiet,
  );
  assert.equal(figures.requests, 3);
  assert.equal(figures.succeeded, 0);
  assert.equal(figures.failed, 3);
  assert.equal(figures.firstFailure, '500 boom');
});

test('an evenly paced load sends its warm-up first and leaves it out of the latency, not out of the failures', async (t) => {
  let answered = 0;
  // The first answer fails: it falls in the warm-up, and still counts as a failed request.
  const server = await startServer(() => (answered++ === 0 ? { status: 500, body: 'cold' } : { status: 200, body: '{"success":true}' }));
  t.after(server.close);
  const figures = await runLoad(
    {
      baseUrl: server.url,
      connections: 2,
      pipelining: 1,
      durationSeconds: 0.2,
      warmupSeconds: 0.1,
      maxRequests: 1000,
      overallRate: 100,
      pacing: 'even',
      label: 'test',
      requests: [{ method: 'GET', next: () => ({ path: '/x' }) }],
    },
    quiet,
  );
  // 10 warm-up requests (0.1 s at 100/s), then the 20 measured ones.
  assert.equal(server.seen.length, 30);
  assert.equal(figures.requests, 30);
  assert.equal(figures.failed, 1);
  assert.equal(figures.firstFailure, '500 cold');
  assert.equal(figures.succeeded, 29);
  assert.equal(figures.warmupLatency?.count, 9);
  assert.equal(figures.latency.count, 20);
  assert.equal(figures.sendLag?.count, 20);
  assert.equal(figures.latencyFromDue?.count, 20);
});
