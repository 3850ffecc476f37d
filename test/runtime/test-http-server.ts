/**
 * A loopback HTTP server started inside a test on port 0 (127.0.0.1 only): records every request
 * and answers through a handler the test can change.
 */
import type { TestContext } from 'node:test';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  /** The exact body bytes, as text. */
  readonly body: string;
}

/** What a handler answers. */
export interface TestAnswer {
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Record<string, string>;
}

/** The running server. */
export interface TestHttpServer {
  readonly origin: string;
  /** `127.0.0.1:<port>` (for allowlists). */
  readonly host: string;
  readonly requests: RecordedRequest[];
  handler: (request: RecordedRequest) => TestAnswer | Promise<TestAnswer>;
}

/** Starts a server on 127.0.0.1, port 0; closed when the test ends. */
export async function startTestServer(t: TestContext, handler: TestHttpServer['handler']): Promise<TestHttpServer> {
  const state = { handler } as { handler: TestHttpServer['handler'] };
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      Promise.resolve(state.handler(recorded)).then(
        (answer) => {
          const body = answer.json !== undefined ? JSON.stringify(answer.json) : (answer.text ?? '');
          res.writeHead(answer.status ?? 200, { 'content-type': answer.json !== undefined ? 'application/json' : 'text/plain', ...answer.headers });
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  const result: TestHttpServer = {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    get handler() {
      return state.handler;
    },
    set handler(next) {
      state.handler = next;
    },
  };
  return result;
}

/** Parses a recorded JSON body. */
export function jsonBody(request: RecordedRequest): Record<string, unknown> {
  return JSON.parse(request.body) as Record<string, unknown>;
}
