import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI, ROOT } from './paths.js';
import { waitFor } from './wait.js';

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the compiled CLI to completion. */
export const runCli = (
  args: readonly string[],
  options: { input?: string | Buffer; env?: Record<string, string> } = {},
): CliResult => {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

/** A long-running CLI process whose output the test can wait on. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static start(args: readonly string[], env: Record<string, string> = {}): CliProcess {
    return new CliProcess(
      spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env } }),
    );
  }

  waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return waitFor(() => this.stdout.match(pattern) ?? undefined, `output ${pattern}`, timeoutMs);
  }

  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}
