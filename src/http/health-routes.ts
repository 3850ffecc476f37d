import type { FastifyInstance } from 'fastify';

/** What `/readiness` asks, given by the composition root so the shell holds neither store nor service. */
export interface ReadinessChecks {
  /** True when the store answers (`Store.ping`). */
  pingStore(): Promise<boolean>;
  /** True while this node executes processes and fires timers (the execution switch is on). */
  isExecuting(): boolean;
}

/** The body of `GET /readiness`. */
export interface ReadinessReport {
  readonly status: 'ready' | 'not ready';
  readonly store: 'ok' | 'unavailable';
  readonly runtime: 'running' | 'stopped';
  /** This node's id (in a cluster every node has one). */
  readonly nodeId?: string;
  /** Why the server is not ready, when it is not. */
  readonly reasons?: readonly string[];
}

/**
 * Adds the probes: `GET /liveness` answers while the process is up; `GET /readiness` answers 200
 * only when the store answers a ping and the runtime is running, 503 with the reasons otherwise.
 * Probes are logged at `warn` only, so a load balancer polling them does not flood the log.
 */
export async function registerHealthRoutes(app: FastifyInstance, deps: { readiness: ReadinessChecks; nodeId?: string }): Promise<void> {
  app.get('/liveness', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readiness', { logLevel: 'warn' }, async (request, reply) => {
    const reasons: string[] = [];
    let storeOk = false;
    try {
      storeOk = await deps.readiness.pingStore();
      if (!storeOk) reasons.push('the store did not answer its ping');
    } catch (error) {
      request.log.warn({ err: error }, 'readiness: store ping failed');
      reasons.push('the store ping failed');
    }
    const runtimeRunning = deps.readiness.isExecuting();
    if (!runtimeRunning) reasons.push('the runtime is stopped');

    const report: ReadinessReport = {
      status: reasons.length === 0 ? 'ready' : 'not ready',
      store: storeOk ? 'ok' : 'unavailable',
      runtime: runtimeRunning ? 'running' : 'stopped',
      ...(deps.nodeId === undefined ? {} : { nodeId: deps.nodeId }),
      ...(reasons.length === 0 ? {} : { reasons }),
    };
    return reply.code(reasons.length === 0 ? 200 : 503).send(report);
  });
}
