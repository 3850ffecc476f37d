export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export { redactSecrets, isSecretKey, REDACTED } from './redact.js';
export { redactUrlCredentials, redactUrlsInText } from './url-credentials.js';
