import type { Readable, Writable } from 'node:stream';

/** What a subcommand may touch: streams, environment and a stop signal. `process.exit` is main's alone. */
export interface CommandIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT/SIGTERM; long-running commands resolve when it fires. */
  readonly signal: AbortSignal;
}

/** A subcommand's body; its name and one-line summary are in commands/index.ts, which loads it. */
export interface Command {
  /** Full help text, printed for `--help`. */
  readonly help: string;
  /** Resolves to the process exit code. */
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/** A usage mistake: main prints the message and the command's help, and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const wantsHelp = (args: readonly string[]): boolean => args.includes('--help') || args.includes('-h');

export const write = (stream: Writable, text: string): void => {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
};

/** A numeric option in [min, max]; the fallback when absent. A bad value is a usage error. */
export const numberOption = (
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`${name} must be a number from ${min} to ${max}`);
  return n;
};

/** As numberOption, and a whole number. */
export const integerOption = (
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number => {
  const n = numberOption(name, raw, fallback, min, max);
  if (!Number.isInteger(n)) throw new UsageError(`${name} must be a whole number`);
  return n;
};

/** Resolves when the signal aborts. */
export const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
