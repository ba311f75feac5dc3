import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextTrimStep, START_STATE, type TrimPolicy } from '../../src/memory/index.js';

const POLICY: TrimPolicy = { quietBelow: 0.05, quietIntervals: 2 };

/** The intervals at which a run of utilization samples trims, from a fresh process. */
const trimsAt = (samples: readonly number[], policy = POLICY): number[] => {
  let state = START_STATE;
  const at: number[] = [];
  samples.forEach((u, i) => {
    const step = nextTrimStep(state, u, policy);
    state = step.state;
    if (step.trim) at.push(i);
  });
  return at;
};

describe('when freed memory goes back to the OS', () => {
  it('once after start-up, when the process has been quiet for the policy’s intervals', () => {
    expect(trimsAt([0.9, 0.01, 0.01, 0.01, 0.0, 0.0, 0.01])).toEqual([2]);
    // Quiet from the start: start-up itself was the work.
    expect(trimsAt([0.0, 0.0, 0.0])).toEqual([1]);
  });

  it('again after each busy period, never while the process works', () => {
    expect(trimsAt([0.01, 0.01, 0.6, 1, 1, 0.02, 0.01, 0.01, 0.3, 0.01, 0.01])).toEqual([1, 6, 10]);
    expect(trimsAt([0.01, 0.01, 0.5, 0.5, 0.5, 0.5])).toEqual([1]);
  });

  it('a busy interval starts the quiet count again', () => {
    expect(trimsAt([0.5, 0.01, 0.2, 0.01, 0.2, 0.01, 0.01])).toEqual([6]);
  });

  it('treats a utilization that is not a number as busy', () => {
    expect(trimsAt([Number.NaN, Number.NaN, Number.NaN])).toEqual([]);
  });

  it('property: each trim follows a busy period (or start-up) and enough quiet intervals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 5 }),
        (samples, quietIntervals) => {
          const policy = { quietBelow: 0.05, quietIntervals };
          const at = trimsAt(samples, policy);
          let previous = -1;
          for (const i of at) {
            // The policy's quiet intervals just before it…
            for (let k = i - quietIntervals + 1; k <= i; k++) expect(samples[k]).toBeLessThan(0.05);
            // …and, since the previous trim, at least one busy one (start-up counts as busy).
            if (previous >= 0) expect(samples.slice(previous + 1, i).some((u) => u >= 0.05)).toBe(true);
            previous = i;
          }
          // Quiet to the end after work: it has trimmed by then.
          const lastBusy = samples.findLastIndex((u) => u >= 0.05);
          if (samples.length - 1 - lastBusy >= quietIntervals) expect(at.at(-1)).toBeGreaterThan(lastBusy);
        },
      ),
    );
  });
});
