import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { err, ok } from '../../src/core/index.js';
import { createLogger } from '../../src/log/index.js';
import { startIdleTrim, TRIM_UNAVAILABLE } from '../../src/memory/index.js';
import { Metrics } from '../../src/metrics/index.js';
import { ROOT } from '../support/paths.js';
import { waitFor } from '../support/wait.js';

const MiB = 2 ** 20;

/** A logger whose JSON lines the test reads. */
const capturedLogger = (): { logger: ReturnType<typeof createLogger>; lines: () => string[] } => {
  let text = '';
  const logger = createLogger({ level: 'debug', sink: (line) => (text += line) });
  return { logger, lines: () => text.split('\n').filter((l) => l !== '') };
};

describe('returning freed heap memory to the OS (issue 16)', () => {
  it('glibc’s malloc_trim, called off the event loop, returns what a fragmented heap freed', () => {
    // A fresh process of the built code: 3,000 blocks of 60 kB freed between 3,000 small ones kept,
    // as a burst leaves the heap; glibc keeps the freed pages until it is asked.
    const script = `
import { readFileSync } from 'node:fs';
const { loadReturnFreedMemory } = await import(${JSON.stringify(pathToFileURL(`${ROOT}dist/src/memory/index.js`).href)});
const rss = () => Number(/^VmRSS:\\s+(\\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
const loaded = await loadReturnFreedMemory();
if (!loaded.ok) throw new Error(loaded.error);
const kept = [];
let freed = [];
for (let i = 0; i < 3000; i++) { freed.push(Buffer.alloc(60_000, 1)); kept.push(Buffer.alloc(5_000, 2)); }
freed = null;
globalThis.gc(); globalThis.gc();
const before = rss();
// Off the event loop (libuv's thread pool): the call returns before the trim is done.
let returning = true;
const done = new Promise((resolve) => loaded.value((returned) => resolve({ returned, duringCall: returning })));
returning = false;
const { returned, duringCall } = await done;
process.stdout.write(JSON.stringify({ returned, duringCall, before, after: rss(), kept: kept.length }));`;
    const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      returned: boolean;
      duringCall: boolean;
      before: number;
      after: number;
    };
    expect(out.returned).toBe(true);
    expect(out.duringCall).toBe(false);
    // ~170 MiB were freed; glibc had kept them resident.
    expect(out.before - out.after).toBeGreaterThan(100 * MiB);
  });

  it('where it cannot (no glibc, no FFI build) it says so once and the process goes on', async () => {
    const { logger, lines } = capturedLogger();
    const metrics = new Metrics({}, false);
    let loads = 0;
    const trim = startIdleTrim({
      logger,
      metrics,
      intervalMs: 5,
      // Every interval counts as quiet, so the first trim is due at once.
      policy: { quietBelow: 2, quietIntervals: 1 },
      load: () => {
        loads++;
        return Promise.resolve(err(TRIM_UNAVAILABLE.notGlibc));
      },
    });
    try {
      const said = await waitFor(
        () => lines().find((l) => l.includes('cannot be returned')),
        'the unavailable line',
      );
      expect(JSON.parse(said)).toMatchObject({ level: 'info', reason: 'not-glibc' });
      // Stopped: many more intervals pass, and it neither loads again nor says it again.
      await new Promise((r) => setTimeout(r, 100));
      expect(loads).toBe(1);
      expect(lines().filter((l) => l.includes('cannot be returned'))).toHaveLength(1);
      expect(await metrics.text()).toMatch(/^ems_memory_trims_total 0$/m);
    } finally {
      trim.stop();
    }
  });

  it('trims once per quiet spell and counts each trim', async () => {
    const { logger, lines } = capturedLogger();
    const metrics = new Metrics({}, false);
    let calls = 0;
    const trim = startIdleTrim({
      logger,
      metrics,
      intervalMs: 5,
      policy: { quietBelow: 2, quietIntervals: 1 },
      load: () =>
        Promise.resolve(
          ok((done: (returned: boolean) => void) => {
            calls++;
            done(true);
          }),
        ),
    });
    try {
      await waitFor(() => lines().some((l) => l.includes('freed memory returned')), 'a trim');
      // Always quiet after start-up: no second trim however many intervals pass.
      await new Promise((r) => setTimeout(r, 100));
      expect(calls).toBe(1);
      expect(await metrics.text()).toMatch(/^ems_memory_trims_total 1$/m);
    } finally {
      trim.stop();
    }
  });
});
