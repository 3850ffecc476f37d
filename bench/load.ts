/**
 * HTTP load with autocannon, the same way for our server and for the HTTP ceiling, so the
 * two figures differ only by what answers. Bounded in time (`durationSeconds`) and in count
 * (`maxRequests`); loopback only.
 */
import http from 'node:http';
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
   * How a fixed rate is sent. `bursts` (autocannon's overallRate): each connection sends its
   * share of a second back to back as the second starts, then waits for the next one.
   * `even`: one request every 1/rate seconds on its own schedule (open loop), whatever the
   * answers do, with latency counted from when the request was due.
   */
  readonly pacing?: 'bursts' | 'even';
  /**
   * The requests each connection sends, in order, over and over. `context` is the connection's
   * state for one pass through the list (autocannon clears it when the list starts again), so a
   * later request can use what an earlier one chose, e.g. the process id it created.
   */
  readonly requests: readonly LoadRequest[];
  readonly label: string;
  /**
   * Evenly paced loads: seconds sent first at the same rate on the same connections and left
   * out of the latency figures (a fresh server's first second runs unoptimised code and opens
   * its connections). Failures in it still count. Reported apart as `warmupLatency`.
   */
  readonly warmupSeconds?: number;
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
  /** The same for the server's main thread alone. */
  readonly serverMainThreadCpuMsPerResponse: number | null;
  /** Evenly paced loads: how late the load generator's timer sent each request after it was due (ms). */
  readonly sendLag?: Percentiles;
  /** Evenly paced loads: latency counted from the due moment instead (send lag included). */
  readonly latencyFromDue?: Percentiles;
  /** Evenly paced loads with `warmupSeconds`: the latency of the warm-up requests, left out of `latency`. */
  readonly warmupLatency?: Percentiles;
}

/** Throws unless `url` points at the loopback interface: load is never sent elsewhere. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new WaymarkError('WM_INPUT_INVALID', `Benchmarks only send load to the loopback interface, not to ${host}`, { url });
  }
}

const SAMPLE_LIMIT = 2_000_000;

/**
 * The server's CPU time per response over a load: call at the start, and the returned function
 * with the number of responses at the end (null without a server pid or responses).
 */
function serverCpuMeter(serverPid: number | undefined, mainThreadOnly = false): (responses: number) => number | null {
  const before = serverPid === undefined ? null : cpuSecondsOf(serverPid, mainThreadOnly);
  return (responses) => {
    const after = serverPid === undefined ? null : cpuSecondsOf(serverPid, mainThreadOnly);
    return before !== null && after !== null && responses > 0 ? ((after - before) * 1000) / responses : null;
  };
}

/** Updates the progress line every 250 ms until the returned function is called. */
function progressTicker(plan: LoadPlan, progress: Progress, counts: () => { succeeded: number; failed: number }): () => void {
  const started = performance.now();
  const ticker = setInterval(() => {
    const elapsed = (performance.now() - started) / 1000;
    const { succeeded, failed } = counts();
    progress.update(`${plan.label}: ${elapsed.toFixed(0)}/${plan.durationSeconds}s, ${succeeded} ok, ${failed} failed`);
  }, 250);
  return () => clearInterval(ticker);
}

/** Runs one bounded load and returns its figures. */
export function runLoad(plan: LoadPlan, progress: Progress): Promise<LoadFigures> {
  assertLoopback(plan.baseUrl);
  if (plan.pacing === 'even' && plan.overallRate !== undefined) return runEvenlyPacedLoad({ ...plan, overallRate: plan.overallRate }, progress);
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
  const serverCpuPerResponse = serverCpuMeter(plan.serverPid);
  const serverMainThreadCpuPerResponse = serverCpuMeter(plan.serverPid, true);
  const stopTicker = progressTicker(plan, progress, () => ({ succeeded, failed }));
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
        stopTicker();
        clearTimeout(stopper);
        if (error) {
          reject(error);
          return;
        }
        const seconds = result.duration > 0 ? result.duration : (Date.now() - started) / 1000;
        const serverCpuMsPerResponse = serverCpuPerResponse(succeeded + failed);
        resolve({
          requests: result.requests.total,
          succeeded,
          failed: failed + result.errors,
          seconds,
          perSecond: succeeded / seconds,
          latency: percentilesOf(samples),
          firstFailure,
          serverCpuMsPerResponse,
          serverMainThreadCpuMsPerResponse: serverMainThreadCpuPerResponse(succeeded + failed),
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (samples.length < SAMPLE_LIMIT) samples.push(responseTime);
    });
    // autocannon lets `amount` override `duration`; the time bound is enforced here.
    const stopper = setTimeout(() => instance.stop(), plan.durationSeconds * 1000);
  });
}

/** Longest a request of an evenly paced load may take before it counts as failed. */
const PACED_TIMEOUT_MS = 10_000;

/**
 * An open-loop load: request i is due at start + i/rate and is sent then, on one of up to
 * `connections` keep-alive sockets, whether or not earlier ones were answered. Latency runs from
 * the moment the request is sent, so a request that waits for a free socket is charged its
 * wait, and requests keep going out while the server stalls: the figure cannot hide a stall the
 * way a closed loop does. How late this process's timer sent each request after it was due
 * (Node timers have millisecond granularity) is not the server's doing; it is reported apart,
 * as `sendLag`.
 * Requests cycle through `plan.requests` with a fresh context per pass.
 */
function runEvenlyPacedLoad(plan: LoadPlan & { readonly overallRate: number }, progress: Progress): Promise<LoadFigures> {
  const warmup = Math.ceil(plan.overallRate * (plan.warmupSeconds ?? 0));
  const measured = Math.min(plan.maxRequests, Math.ceil(plan.overallRate * plan.durationSeconds));
  const total = warmup + measured;
  const intervalMs = 1000 / plan.overallRate;
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections, maxFreeSockets: plan.connections });
  const target = new URL(plan.baseUrl);
  const samples: number[] = [];
  const sendLags: number[] = [];
  const fromDue: number[] = [];
  const warmupSamples: number[] = [];
  let succeeded = 0;
  let failed = 0;
  let answered = 0;
  let sent = 0;
  let firstFailure: string | null = null;
  let context: Record<string, unknown> = {};
  let serverCpuPerResponse = serverCpuMeter(plan.serverPid);
  let serverMainThreadCpuPerResponse = serverCpuMeter(plan.serverPid, true);
  const started = performance.now();
  // When the first measured request was sent: the rate and CPU figures cover the measured part.
  let measuredFrom = started;
  let answeredInWarmup = 0;

  return new Promise((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      stopTicker();
      clearTimeout(pacer);
      clearTimeout(deadline);
      agent.destroy();
      const seconds = (performance.now() - measuredFrom) / 1000;
      const measuredAnswers = answered - answeredInWarmup;
      resolve({
        requests: sent,
        succeeded,
        failed: failed + (sent - answered),
        seconds,
        perSecond: (succeeded - warmupSamples.length) / seconds,
        latency: percentilesOf(samples),
        firstFailure: firstFailure ?? (sent > answered ? `${sent - answered} requests unanswered after ${PACED_TIMEOUT_MS} ms` : null),
        serverCpuMsPerResponse: serverCpuPerResponse(measuredAnswers),
        serverMainThreadCpuMsPerResponse: serverMainThreadCpuPerResponse(measuredAnswers),
        sendLag: percentilesOf(sendLags),
        latencyFromDue: percentilesOf(fromDue),
        ...(warmup > 0 ? { warmupLatency: percentilesOf(warmupSamples) } : {}),
      });
    };
    const settle = (index: number, dueAt: number, sentAt: number, ok: boolean, failure: string | null): void => {
      if (finished) return;
      answered++;
      if (index < warmup) answeredInWarmup++;
      if (ok) {
        succeeded++;
        const now = performance.now();
        if (index < warmup) warmupSamples.push(now - sentAt);
        else if (samples.length < SAMPLE_LIMIT) {
          samples.push(now - sentAt);
          fromDue.push(now - dueAt);
        }
      } else {
        failed++;
        firstFailure ??= failure;
      }
      if (answered === total) finish();
    };
    const send = (index: number): void => {
      const dueAt = started + index * intervalMs;
      const sentAt = performance.now();
      if (index === warmup && warmup > 0) {
        measuredFrom = sentAt;
        serverCpuPerResponse = serverCpuMeter(plan.serverPid);
        serverMainThreadCpuPerResponse = serverCpuMeter(plan.serverPid, true);
      }
      if (index >= warmup && sendLags.length < SAMPLE_LIMIT) sendLags.push(sentAt - dueAt);
      const request = plan.requests[index % plan.requests.length]!;
      if (index % plan.requests.length === 0) context = {};
      const passContext = context;
      const next = request.next(passContext);
      const body = next.body ?? '';
      const outgoing = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: next.path,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: PACED_TIMEOUT_MS,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const ok = response.statusCode === 200 && text.includes('"success":true');
            if (ok) request.onSuccess?.(passContext, text);
            settle(index, dueAt, sentAt, ok, ok ? null : `${response.statusCode ?? 0} ${text.slice(0, 300)}`);
          });
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${PACED_TIMEOUT_MS} ms`)));
      outgoing.on('error', (error) => settle(index, dueAt, sentAt, false, error.message));
      outgoing.end(body);
      sent++;
    };
    // Sends every request due by now, then sleeps until the next one is due.
    let pacer: NodeJS.Timeout | undefined;
    const pace = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - started) / intervalMs) + 1);
      while (sent < due) send(sent);
      if (sent < total) pacer = setTimeout(pace, Math.max(0, started + sent * intervalMs - performance.now()));
    };
    const deadline = setTimeout(finish, ((plan.warmupSeconds ?? 0) + plan.durationSeconds) * 1000 + PACED_TIMEOUT_MS);
    const stopTicker = progressTicker(plan, progress, () => ({ succeeded, failed }));
    if (total === 0) finish();
    else pace();
  });
}
