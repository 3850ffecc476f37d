/**
 * HTTP load with autocannon, the same way for our server and for the HTTP ceiling, so the
 * two figures differ only by what answers. Bounded in time (`durationSeconds`) and in count
 * (`maxRequests`); loopback only.
 */
import autocannon, { type AutocannonRequest } from 'autocannon';
import { WaymarkError } from '../src/errors/index.js';
import { percentilesOf, type Percentiles } from './percentiles.js';
import type { Progress } from './progress.js';
import { cpuSecondsOf } from './server-process.js';

/** Connections and pipelining: the shape shared by a scenario and its ceiling. */
export interface LoadShape {
  readonly connections: number;
  readonly pipelining: number;
}

/** One load run. */
export interface LoadPlan extends LoadShape {
  /** Must be a loopback URL (http://127.0.0.1:port). */
  readonly baseUrl: string;
  readonly durationSeconds: number;
  /** Hard cap on requests sent. */
  readonly maxRequests: number;
  /** Fixed overall rate (requests per second), or none for as fast as possible. */
  readonly overallRate?: number;
  /**
   * The requests each connection sends, in order, over and over. `context` is the connection's
   * state for one pass through the list (autocannon clears it when the list starts again), so a
   * later request can use what an earlier one chose, e.g. the process id it created.
   */
  readonly requests: readonly LoadRequest[];
  readonly label: string;
  /** The server's process id, to measure its CPU time per response. */
  readonly serverPid?: number;
}

/** One request of a load's sequence. */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  /** Builds the request; `context` is this connection's state for the current pass. */
  readonly next: (context: Record<string, unknown>) => { path: string; body?: string };
  /** Called after each successful response to this request. */
  readonly onSuccess?: (context: Record<string, unknown>, body: string) => void;
}

/** What a load run measured. Latencies in milliseconds. */
export interface LoadFigures {
  readonly requests: number;
  /** Responses whose envelope said `"success":true`. */
  readonly succeeded: number;
  readonly failed: number;
  readonly seconds: number;
  /** Successful responses per second. */
  readonly perSecond: number;
  readonly latency: Percentiles;
  /** The first failing response body seen, to explain a failure. */
  readonly firstFailure: string | null;
  /** Milliseconds of the server's CPU time (user + system) per response, when its pid was given. */
  readonly serverCpuMsPerResponse: number | null;
}

/** Throws unless `url` points at the loopback interface: load is never sent elsewhere. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new WaymarkError('WM_INPUT_INVALID', `Benchmarks only send load to the loopback interface, not to ${host}`, { url });
  }
}

const SAMPLE_LIMIT = 2_000_000;

/** Runs one bounded load and returns its figures. */
export function runLoad(plan: LoadPlan, progress: Progress): Promise<LoadFigures> {
  assertLoopback(plan.baseUrl);
  const samples: number[] = [];
  let succeeded = 0;
  let failed = 0;
  let firstFailure: string | null = null;
  const requests: AutocannonRequest[] = plan.requests.map((request) => ({
    method: request.method,
    headers: { 'content-type': 'application/json' },
    setupRequest(raw, context) {
      const next = request.next(context);
      return { ...raw, path: next.path, body: next.body ?? '' };
    },
    onResponse(status, body, context) {
      if (status === 200 && body.includes('"success":true')) {
        succeeded++;
        request.onSuccess?.(context, body);
      } else {
        failed++;
        firstFailure ??= `${status} ${body.slice(0, 300)}`;
      }
    },
  }));
  const started = Date.now();
  const cpuBefore = plan.serverPid === undefined ? null : cpuSecondsOf(plan.serverPid);
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: plan.baseUrl,
        connections: plan.connections,
        pipelining: plan.pipelining,
        duration: plan.durationSeconds,
        amount: plan.maxRequests,
        timeout: 10,
        requests,
        ...(plan.overallRate !== undefined ? { overallRate: plan.overallRate } : {}),
      },
      (error, result) => {
        clearInterval(ticker);
        clearTimeout(stopper);
        if (error) {
          reject(error);
          return;
        }
        const seconds = result.duration > 0 ? result.duration : (Date.now() - started) / 1000;
        const cpuAfter = plan.serverPid === undefined ? null : cpuSecondsOf(plan.serverPid);
        const responses = succeeded + failed;
        const serverCpuMsPerResponse = cpuBefore !== null && cpuAfter !== null && responses > 0 ? ((cpuAfter - cpuBefore) * 1000) / responses : null;
        resolve({
          requests: result.requests.total,
          succeeded,
          failed: failed + result.errors,
          seconds,
          perSecond: succeeded / seconds,
          latency: percentilesOf(samples),
          firstFailure,
          serverCpuMsPerResponse,
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (samples.length < SAMPLE_LIMIT) samples.push(responseTime);
    });
    // autocannon lets `amount` override `duration`; the time bound is enforced here.
    const stopper = setTimeout(() => instance.stop(), plan.durationSeconds * 1000);
    const ticker = setInterval(() => {
      const elapsed = (Date.now() - started) / 1000;
      progress.update(`${plan.label}: ${elapsed.toFixed(0)}/${plan.durationSeconds}s, ${succeeded} ok, ${failed} failed`);
    }, 250);
  });
}
