import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from '../config/index.js';
import { redactLogObject, redactSecrets, serializeErrorRedacted } from './redact.js';

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
 * Creates the process logger. Every logged object is passed through {@link redactSecrets}, so
 * `token`, `password`, `client_secret`, `authorization`, `cookie` (in any letter case, at any depth,
 * also inside errors) never reach the output; so are the bindings of every child logger.
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
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
  // pino passes child bindings through the bindings formatter for the first child only, so every
  // child's bindings are redacted here. pino's own `redact` option would cover them too, but its
  // wildcard paths run on every binding of every child: fastify makes a child per request, and
  // that redaction was about a tenth of the server's allocation per request.
  // A child is created with Object.create(parent), so grandchildren inherit this method as well.
  const pinoChild = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return pinoChild.call(this, redactSecrets(bindings), childOptions);
  } as Logger['child'];
  return logger;
}
