import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from '../config/index.js';
import { redactLogObject, redactSecrets, REDACTED, serializeErrorRedacted } from './redact.js';

// pino's own redaction covers child bindings, which skip the log formatter after the first child;
// it matches exact spellings only, so the usual ones are listed, at the top and one level down.
const BINDING_SECRET_KEYS = [
  'token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'apiKey', 'api_key',
  'password', 'secret', 'client_secret', 'clientSecret', 'authorization', 'Authorization', 'cookie', 'Cookie',
];
const BINDING_REDACT_PATHS = BINDING_SECRET_KEYS.flatMap((key) => [key, `*.${key}`]);

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
 * also inside errors) never reach the output. Child bindings are redacted by their usual spellings
 * at the top level and one level down.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      ...(options.name === undefined ? {} : { name: options.name }),
      redact: { paths: BINDING_REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeErrorRedacted, error: serializeErrorRedacted },
      formatters: {
        bindings: (bindings) => redactSecrets(bindings),
        log: (object) => redactLogObject(object),
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
