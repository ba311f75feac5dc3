import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A side of bench:feed in a process of its own (compiled beside this file:
 * dist/test/support/feed/NAME.js), as on its own machine in the field: the hospital feed
 * (`receiver-process`), the baseline's receiver (`baseline-receiver-process`) or a share of the
 * burst's units (`burst-process`). Its stdout comes line by line to `onLine` and into `lines`; times
 * in it are `epochNow` of that process. `send` writes a line to its stdin.
 */
export class FeedChild {
  readonly lines: string[] = [];
  #child: ChildProcess | undefined;

  constructor(
    private readonly name: 'receiver-process' | 'baseline-receiver-process' | 'burst-process',
    private readonly env: Record<string, string>,
    private readonly onLine: (line: string) => void = () => undefined,
  ) {}

  /** Starts the process and resolves once it printed `ready` (it subscribed). */
  async start(timeoutMs = 60_000): Promise<void> {
    const script = fileURLToPath(new URL(`../test/support/feed/${this.name}.js`, import.meta.url));
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, ...this.env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.#child = child;
    let rest = '';
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} not ready`)), timeoutMs);
      child.once('exit', (code) => reject(new Error(`${this.name} exited (${String(code)})`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        const parts = (rest + chunk.toString('utf8')).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          this.lines.push(line);
          this.onLine(line);
          if (line !== 'ready') continue;
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await ready;
  }

  send(line: string): void {
    this.#child?.stdin?.write(`${line}\n`);
  }

  /** The last `rss BYTES` the process printed (the hospital feed prints it twice a second). */
  get lastRss(): number {
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const m = /^rss (\d+)$/.exec(this.lines[i] ?? '');
      if (m !== null) return Number(m[1]);
    }
    return Number.NaN;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}
