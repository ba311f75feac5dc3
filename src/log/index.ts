export { Phi, phi, isPhi, REDACTED } from './phi.js';
export {
  createLogger,
  silentLogger,
  type Logger,
  type LoggerOptions,
  type LogFields,
  type LogLevel,
  type LogValue,
} from './logger.js';
