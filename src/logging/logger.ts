import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from './log-levels.js';
import { isSecretKey, redactLogObject, redactSecrets, serializeErrorRedacted } from './redact.js';
import { redactUrlsInText } from './url-credentials.js';

/** Waymark's logger: pino, with secrets removed from every line. */
export type Logger = PinoLogger;

/** How to build a logger. */
export interface LoggerOptions {
  readonly level: LogLevel;
  /** Where lines go; standard output by default. Tests pass a stream that collects lines. */
  readonly destination?: DestinationStream;
  /** Bound to every line as `name`. */
  readonly name?: string;
}

/**
 * Creates the process logger. Every logged object, every child's bindings and every argument
 * interpolated into a message is passed through {@link redactSecrets}, so `token`, `password`,
 * `client_secret`, `authorization`, `cookie` (in any letter case, at any depth, also inside errors)
 * never reach the output.
 */
export function createLogger(options: LoggerOptions): Logger {
  const logger = pino(
    {
      level: options.level,
      ...(options.name === undefined ? {} : { name: options.name }),
      serializers: { err: serializeErrorRedacted, error: serializeErrorRedacted },
      formatters: {
        bindings: (bindings) => redactSecrets(bindings),
        log: (object) => redactLogObject(object),
      },
      hooks: { logMethod: redactInterpolatedArguments },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
  redactChildBindings(logger);
  return logger;
}

type ChildMethod = (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) => Logger;

/**
 * pino applies the `bindings` formatter to the root logger only, so children (fastify makes one
 * per request) get their bindings redacted here. Children inherit these methods from the root.
 * This replaces pino's `redact` paths, which ran a path matcher over every binding of every child
 * and cost more than the rest of a request's logging together.
 */
function redactChildBindings(logger: Logger): void {
  // pino types `child` generically over custom levels; Waymark's logger has none.
  const pinoChild = logger.child as unknown as ChildMethod;
  const pinoSetBindings = logger.setBindings as (this: Logger, bindings: Bindings) => void;
  const child: ChildMethod = function (this, bindings, childOptions) {
    // fastify passes `{}` when a route sets no level or serializers; pino has a quicker path without options.
    const effectiveOptions = childOptions === undefined || isEmpty(childOptions) ? undefined : childOptions;
    return pinoChild.call(this, holdsNothingToRedact(bindings) ? bindings : redactSecrets(bindings), effectiveOptions);
  };
  logger.child = child as unknown as Logger['child'];
  logger.setBindings = function (this: Logger, bindings: Bindings): void {
    pinoSetBindings.call(this, redactSecrets(bindings));
  };
}

/**
 * True when no binding has a secret's name, none is an object (which could hold one deeper) and
 * none is text with a URL (which could carry a password):
 * such bindings, like fastify's `{ reqId }` for every request's logger, are passed on without the copy.
 */
function holdsNothingToRedact(bindings: Bindings): boolean {
  for (const key in bindings) {
    const value: unknown = bindings[key];
    if ((typeof value === 'object' && value !== null) || isSecretKey(key)) return false;
    if (typeof value === 'string' && value.includes('://')) return false;
  }
  return true;
}

function isEmpty(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return false;
  return true;
}

/**
 * The message's URLs lose their credentials, and arguments after the message
 * (`log.info('%o', value)` or `log.info({…}, '%o', value)`) are redacted too.
 */
function redactInterpolatedArguments(this: Logger, args: unknown[], method: (...args: unknown[]) => void): void {
  const messageIndex = typeof args[0] === 'object' ? 1 : 0;
  const message = args[messageIndex];
  if (typeof message === 'string' && message.includes('://')) args[messageIndex] = redactUrlsInText(message);
  const firstFormatArgument = messageIndex + 1;
  if (args.length <= firstFormatArgument) {
    method.apply(this, args);
    return;
  }
  method.apply(this, args.map((argument, index) => (index >= firstFormatArgument ? redactSecrets(argument) : argument)));
}
