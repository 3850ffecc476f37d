export {
  loadConfig,
  describeConfig,
  CONFIG_DEFAULTS,
  LOG_LEVELS,
  type Config,
  type ConfigFlags,
  type LogLevel,
  type TrustProxy,
} from './config.js';
