import { PcscBackend, type PcscBackendOptions } from '../../src/reader/index.js';
import { ROOT } from './paths.js';

/** The pcsclite worker from the TypeScript sources, through the test loader (no build needed). */
export const workerFromSources = {
  module: `${ROOT}src/reader/pcsc/worker.ts`,
  execArgv: ['--import', `${ROOT}test/support/ts-loader.mjs`],
} as const;

export const testPcscBackend = (options: PcscBackendOptions = {}): PcscBackend =>
  new PcscBackend({ worker: workerFromSources, pingIntervalMs: 1_000, ...options });

export const waitFor = async (
  predicate: () => boolean,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
