/**
 * The runtime as `startServer` uses it, in two moves: `createServerRuntime` before the
 * WorkflowService is built (its options carry the ExternalCalls router and the step messages),
 * then `attach(service)` for the scheduler and dispatcher to start and, on shutdown, stop.
 */
import type { Clock } from '../services/clock.js';
import type { WorkflowService, WorkflowServiceOptions } from '../services/workflow-service.js';
import type { Store } from '../store/store.js';
import { createRuntimeParts, type RuntimeParts } from './runtime-parts.js';
import type { SetTimer } from './wake-loop.js';
import { WorkflowRuntime } from './workflow-runtime.js';

/** Where runtime failures are reported (the server's pino logger fits). */
export interface RuntimeLogger {
  warn(object: object, message: string): void;
}

/** What the server passes. */
export interface ServerRuntimeOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `config.fileSandbox`. */
  readonly fileSandbox: string | null;
  readonly logger?: RuntimeLogger;
  readonly setTimer?: SetTimer;
  /** Lease and sleep bounds of the scheduler and dispatcher (a cluster keeps leases within its node timeout). */
  readonly timings?: { readonly leaseMs: number; readonly maxSleepMs: number };
}

/** The runtime before and after the service exists. */
export interface ServerRuntime {
  readonly parts: RuntimeParts;
  /** Spread into the WorkflowService's options. */
  readonly serviceOptions: Pick<
    WorkflowServiceOptions,
    'external' | 'stepMessages' | 'callbackServerConfigured' | 'fileActionsSandbox' | 'externalParameters' | 'schemeGenerator'
  >;
  /** Builds the scheduler and dispatcher for `service` (call `start()` on the result). */
  attach(service: WorkflowService): WorkflowRuntime;
}

/** Builds the runtime's parts from the store's settings and the environment. */
export async function createServerRuntime(options: ServerRuntimeOptions): Promise<ServerRuntime> {
  const parts = await createRuntimeParts({ store: options.store, clock: options.clock, env: options.env, fileSandbox: options.fileSandbox });
  return {
    parts,
    serviceOptions: {
      external: parts.external,
      stepMessages: parts.stepMessages,
      externalParameters: parts.externalParameters,
      schemeGenerator: parts.schemeGenerator,
      callbackServerConfigured: parts.callbackServerConfigured,
      fileActionsSandbox: parts.fileSandbox !== null,
    },
    attach: (service) =>
      new WorkflowRuntime({
        service,
        store: options.store,
        deliver: parts.deliver,
        ...(options.setTimer === undefined ? {} : { setTimer: options.setTimer }),
        ...(options.timings === undefined ? {} : { scheduler: options.timings, dispatcher: options.timings }),
        onError: (error, what) => options.logger?.warn({ err: error }, `Runtime: ${what} failed: ${error instanceof Error ? error.message : String(error)}`),
      }),
  };
}
