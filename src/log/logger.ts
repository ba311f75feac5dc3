import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateFile } from '../core/index.js';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { isPhi, REDACTED, type Phi } from './phi.js';

/**
 * What a log line may carry. Only primitives, errors and Phi-wrapped values: an object holding patient
 * data (a summary, a report) does not type-check as a field, so it cannot be logged by accident.
 */
export type LogValue = string | number | boolean | null | undefined | Phi<unknown> | Error;
export type LogFields = Readonly<Record<string, LogValue>>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly name?: string;
  /** Where JSON lines go, for tests of the logger itself. */
  readonly sink?: (line: string) => void;
  /** Append to this file instead of stdout (the demo keeps its console for the screen URLs). */
  readonly file?: string;
}

/** Errors keep their code and message; our error messages never carry patient data by rule. */
const serialiseError = (error: Error): Record<string, unknown> => {
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(error.stack === undefined ? {} : { stack: error.stack }),
  };
};

const serialiseFields = (fields: LogFields | undefined): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  if (fields === undefined) return out;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (isPhi(value)) out[key] = REDACTED;
    else if (value instanceof Error) out[key] = serialiseError(value);
    else out[key] = value;
  }
  return out;
};

const destination = (options: LoggerOptions): DestinationStream => {
  const { sink } = options;
  if (sink !== undefined) return { write: (line: string) => sink(line) };
  const capture = process.env['EMS_LOG_CAPTURE'];
  // The test suite collects every line of every process into one file and scans it for patient data.
  if (capture !== undefined && capture !== '')
    return pino.destination({ dest: capture, append: true, sync: true });
  if (options.file !== undefined) {
    // A log holds no patient data, but ids, addresses and timings are for the operator only.
    // Its folder is created 0700 but never changed when it exists (it may be a shared /var/log).
    mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
    privateFile(options.file);
    return pino.destination({ dest: options.file, append: true });
  }
  return pino.destination({ dest: 1, sync: false });
};

class PinoBacked implements Logger {
  constructor(private readonly inner: PinoLogger) {}
  debug(msg: string, fields?: LogFields): void {
    this.inner.debug(serialiseFields(fields), msg);
  }
  info(msg: string, fields?: LogFields): void {
    this.inner.info(serialiseFields(fields), msg);
  }
  warn(msg: string, fields?: LogFields): void {
    this.inner.warn(serialiseFields(fields), msg);
  }
  error(msg: string, fields?: LogFields): void {
    this.inner.error(serialiseFields(fields), msg);
  }
  child(bindings: LogFields): Logger {
    return new PinoBacked(this.inner.child(serialiseFields(bindings)));
  }
}

export const createLogger = (options: LoggerOptions = {}): Logger => {
  const inner = pino(
    {
      level: options.level ?? 'info',
      ...(options.name === undefined ? {} : { name: options.name }),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination(options),
  );
  return new PinoBacked(inner);
};

/** For code paths and tests that must not log at all. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
