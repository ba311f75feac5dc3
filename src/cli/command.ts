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

export interface Command {
  readonly name: string;
  readonly summary: string;
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

/** Resolves when the signal aborts. */
export const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
