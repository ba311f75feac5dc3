import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../support/role-processes.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 16 (a role process idle ≤ 80 MB): glibc keeps 12–20 MiB that a role's start-up freed (V8's
 * parser and compiler zones) unless asked to return it; `ems-gateway run` asks once the role has
 * gone quiet (src/memory), and counts it in /metrics.
 */
describe('a role run by `ems-gateway run`', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({ hospital: {} });
  }, 60_000);
  afterAll(async () => {
    await fleet.close();
  });

  it('returns its freed start-up memory to the OS once idle', async () => {
    const url = fleet.hospital?.url;
    if (url === undefined) throw new Error('no hospital');
    // Two quiet 5 s intervals after start-up: waited for as a state, not timed.
    const count = await waitFor(
      async () => {
        const text = await (await fetch(`${url}/metrics`)).text();
        const value = Number(/^ems_memory_trims_total\{[^}]*\} (\d+)$/m.exec(text)?.[1] ?? 0);
        return value >= 1 ? value : undefined;
      },
      'a trim counted in /metrics',
      90_000,
      500,
    );
    // Idle since: one trim, not one per interval.
    expect(count).toBe(1);
  }, 120_000);
});
