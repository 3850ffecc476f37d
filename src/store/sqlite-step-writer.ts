/**
 * The step writer of a SQLite store on a file, when `WAYMARK_SQLITE_WRITER_THREAD` turns it on:
 * a worker thread with a connection of its own to the same database runs the group commit of
 * steps, so the main thread goes on serving requests (HTTP, the engine, reads on its own
 * connection) while SQLite executes a batch's statements, writes its WAL frames and waits for
 * the fsync. Under load that was about 40 % of the main
 * thread's time; the process's CPU went up by about as much, so it pays only with a core to spare
 * (docs/performance.md, round 4).
 *
 * Nothing changes for durability: a step's promise settles when the thread's COMMIT (WAL,
 * `synchronous=FULL`) has returned. Both connections are ordinary SQLite connections to one
 * file, so SQLite's own locking orders their writes (as between two processes) and a read on the
 * main connection sees every commit the thread acknowledged.
 *
 * A step travels as data (structured clone): writeStepProgram is a pure function of the
 * StepWrite, so the thread builds the same statements the main thread would. Errors come back as
 * plain objects and become WaymarkErrors again, code and context included.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WaymarkError, type ErrorCode, type ErrorContext } from '../errors/index.js';
import type { StepWrite } from './store.js';

/** What the thread needs to open its connection. */
export interface StepWriterThreadOptions {
  /** The database file (the store's, already migrated). */
  readonly location: string;
  /** How long a write waits for the other connection's (or another process's) lock, in ms. */
  readonly busyTimeoutMs: number;
}

/** A batch of steps for the thread. */
export interface StepBatchRequest {
  readonly id: number;
  readonly writes: readonly StepWrite[];
}

/** An error crossing between threads: what the thread caught, as plain data. */
export interface TransferredError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly context?: ErrorContext;
}

/** The thread's answer to a batch: each step's error (null when written), or the batch's. */
export type StepBatchReply =
  | { readonly id: number; readonly outcomes: readonly (TransferredError | null)[] }
  | { readonly id: number; readonly failure: TransferredError };

/** `error` as data that survives structured clone (an Error's own properties do not). */
export function transferableError(error: unknown): TransferredError {
  if (error instanceof WaymarkError) return { name: error.name, message: error.message, code: error.code, context: error.context };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

/** The error a TransferredError stands for. */
export function errorFromTransfer(transferred: TransferredError): Error {
  if (transferred.name === 'WaymarkError' && transferred.code !== undefined) {
    return new WaymarkError(transferred.code as ErrorCode, transferred.message, transferred.context ?? {});
  }
  const error = new Error(transferred.message) as Error & { code?: string };
  error.name = transferred.name;
  if (transferred.code !== undefined) error.code = transferred.code;
  return error;
}

/**
 * The thread's module next to this one, with the worker data it starts with: the compiled
 * JavaScript in dist/store/ (bundled when the bundle exists), or, when this module runs as
 * TypeScript source (tests, `npm run dev`), the source through typescript-worker.mjs. This module
 * may itself be bundled into dist/chunks/, which is why the paths go through `../store/`.
 */
function threadStart(options: StepWriterThreadOptions): { module: URL; workerData: object } {
  if (import.meta.url.endsWith('.ts')) {
    const typescriptModule = new URL('../store/sqlite-step-writer-thread.ts', import.meta.url).href;
    return { module: new URL('../store/typescript-worker.mjs', import.meta.url), workerData: { ...options, typescriptModule } };
  }
  const bundled = new URL('../store/sqlite-step-writer-thread.bundle.js', import.meta.url);
  const module = existsSync(fileURLToPath(bundled)) ? bundled : new URL('../store/sqlite-step-writer-thread.js', import.meta.url);
  return { module, workerData: options };
}

/** The writer thread's young generation (V8's default for a 64-bit main thread: 16 MiB ×3). */
const WRITER_YOUNG_GENERATION_MB = 4;

interface InFlightBatch {
  readonly resolve: (outcomes: readonly unknown[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Sends batches of steps to the writer thread, starting it when needed. */
export class SqliteStepWriter {
  private worker: Worker | null = null;
  private nextBatchId = 1;
  private readonly inFlight = new Map<number, InFlightBatch>();
  /** Set by close: no more batches. */
  private closing = false;

  constructor(private readonly options: StepWriterThreadOptions) {}

  /** Starts the thread now, so the first step does not wait for it to boot. */
  start(): void {
    this.workerNow();
  }

  /**
   * Writes the steps in one transaction (as DirectSql.writeEach): resolves after the COMMIT with
   * each step's error or undefined; rejects, with nothing written, when the transaction fails.
   */
  writeSteps(writes: readonly StepWrite[]): Promise<readonly unknown[]> {
    return new Promise((resolve, reject) => {
      if (this.closing) {
        reject(new WaymarkError('WM_INTERNAL', 'The SQLite step writer is closed'));
        return;
      }
      const id = this.nextBatchId++;
      // Engine events are for the service, not the store; they need not cross.
      const request: StepBatchRequest = { id, writes: writes.map((write) => ({ ...write, step: { ...write.step, events: [] } })) };
      const worker = this.workerNow();
      try {
        worker.postMessage(request);
      } catch (error) {
        reject(error);
        return;
      }
      if (this.inFlight.size === 0) worker.ref();
      this.inFlight.set(id, { resolve, reject });
    });
  }

  /** Stops the thread after the batches sent to it are answered. */
  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (worker === null) return;
    this.worker = null;
    // The thread answers batches in order; a last round trip drains them, then it closes its connection.
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.ref();
      worker.postMessage({ close: true });
    });
  }

  private workerNow(): Worker {
    if (this.worker !== null) return this.worker;
    const start = threadStart(this.options);
    // A small young generation: the thread's garbage is each batch's copy of its steps, and a
    // young generation of the main thread's size added ~6 MiB of peak RSS under load for nothing.
    const worker = new Worker(start.module, { workerData: start.workerData, resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB } });
    // Idle, the thread must not keep the process alive; with a batch in flight it must.
    worker.unref();
    worker.on('message', (reply: StepBatchReply) => {
      const batch = this.inFlight.get(reply.id);
      if (batch === undefined) return;
      this.inFlight.delete(reply.id);
      if (this.inFlight.size === 0 && !this.closing) worker.unref();
      if ('failure' in reply) batch.reject(errorFromTransfer(reply.failure));
      else batch.resolve(reply.outcomes.map((outcome) => (outcome === null ? undefined : errorFromTransfer(outcome))));
    });
    const stopped = (error: Error): void => {
      if (this.worker === worker) this.worker = null;
      const batches = [...this.inFlight.values()];
      this.inFlight.clear();
      // Whether the thread committed them is unknown: their callers must not assume either.
      for (const batch of batches) {
        batch.reject(new WaymarkError('WM_INTERNAL', `The SQLite step writer stopped: ${error.message}`, {}, { cause: error }));
      }
    };
    worker.on('error', stopped);
    worker.on('exit', (code) => {
      if (this.inFlight.size > 0) stopped(new Error(`its thread exited with code ${code}`));
      else if (this.worker === worker) this.worker = null;
    });
    this.worker = worker;
    return worker;
  }
}
