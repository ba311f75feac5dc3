import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { Result } from '../core/index.js';
import type { Logger } from '../log/index.js';
import type { Metrics } from '../metrics/index.js';
import { loadReturnFreedMemory, type ReturnFreedMemory, type TrimUnavailable } from './malloc-trim.js';
import { nextTrimStep, START_STATE, type TrimPolicy } from './trim-policy.js';

/**
 * Measured in the role processes: idle, the event loop is busy well under 1 % of the time; while
 * reports arrive, most of it. 5 s intervals, two quiet in a row: the first trim ~10 s after start-up.
 */
export const DEFAULT_TRIM_POLICY: TrimPolicy = { quietBelow: 0.05, quietIntervals: 2 };
const INTERVAL_MS = 5_000;

export interface IdleTrimOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly policy?: TrimPolicy;
  /** How often the event loop's utilization is sampled (default 5 s). */
  readonly intervalMs?: number;
  /** Tests replace the C call; production loads glibc's malloc_trim (malloc-trim.ts). */
  readonly load?: () => Promise<Result<ReturnFreedMemory, TrimUnavailable>>;
}

export interface IdleTrim {
  stop(): void;
}

/**
 * Returns freed heap memory to the operating system whenever the process goes quiet after work
 * (trim-policy.ts): after start-up and after each burst. Where it cannot (no glibc, no FFI build),
 * it says so once in the log and stops; nothing else changes. Its timer never keeps the process alive.
 */
export const startIdleTrim = (options: IdleTrimOptions): IdleTrim => {
  const policy = options.policy ?? DEFAULT_TRIM_POLICY;
  const trims = options.metrics.counter(
    'ems_memory_trims_total',
    'Times freed heap memory was handed back to the operating system once the process went quiet.',
  );
  let state = START_STATE;
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let returnFreed: ReturnFreedMemory | undefined;
  let running = false;
  let stopped = false;

  const trimNow = async (): Promise<void> => {
    if (returnFreed === undefined) {
      const loaded = await (options.load ?? loadReturnFreedMemory)();
      if (!loaded.ok) {
        options.logger.info('freed memory cannot be returned to the OS here; continuing without', {
          reason: loaded.error,
        });
        stop();
        return;
      }
      returnFreed = loaded.value;
    }
    const before = process.memoryUsage.rss();
    await new Promise<void>((resolve) =>
      (returnFreed as ReturnFreedMemory)((returned) => {
        trims.inc();
        options.logger.debug('freed memory returned to the OS', {
          returned,
          rssBeforeMiB: Math.round(before / 2 ** 20),
          rssAfterMiB: Math.round(process.memoryUsage.rss() / 2 ** 20),
        });
        resolve();
      }),
    );
  };

  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const step = nextTrimStep(state, performance.eventLoopUtilization(now, last).utilization, policy);
    last = now;
    state = step.state;
    if (!step.trim || running || stopped) return;
    running = true;
    void trimNow().finally(() => {
      running = false;
    });
  }, options.intervalMs ?? INTERVAL_MS);
  timer.unref();

  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
  };
  return { stop };
};
