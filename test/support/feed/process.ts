import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../paths.js';

/** One of the compiled fault-test entry points (dist/test/support/feed/NAME.js), restartable. */
export class FeedProcess {
  #child: ChildProcess | undefined;
  #ended: { readonly signal: NodeJS.Signals | null } | undefined;
  /** Output of every incarnation, one array per start. */
  readonly runs: string[][] = [];

  constructor(
    private readonly name: 'gateway-process' | 'receiver-process' | 'answer-process' | 'attachment-process',
    private readonly env: Record<string, string>,
  ) {}

  start(): void {
    const lines: string[] = [];
    this.runs.push(lines);
    this.#ended = undefined;
    const script = fileURLToPath(new URL(`dist/test/support/feed/${this.name}.js`, `file://${ROOT}`));
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let rest = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
    });
    // 'close' comes after the output was read to its end.
    child.once('close', (_code, signal) => void (this.#ended = { signal }));
    this.#child = child;
  }

  /** How the current incarnation ended (the signal that killed it, or null); undefined while it runs. */
  get ended(): { readonly signal: NodeJS.Signals | null } | undefined {
    return this.#ended;
  }

  get current(): readonly string[] {
    return this.runs.at(-1) ?? [];
  }

  /** kill -9 */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}
