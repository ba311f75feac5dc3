import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AckBatches, SentAcks, type AckBatch } from '../../src/hospital-feed/ack-batches.js';
import { ACK_BATCH_MAX } from '../../src/hospital-feed/messages.js';

/** Messages stored from one unit in a row, or the end of the event loop's turn (`take`). */
type Step = { readonly unit: number; readonly count: number } | 'take';

const steps = fc.array(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ unit: fc.integer({ min: 0, max: 2 }), count: fc.integer({ min: 1, max: 150 }) }),
    },
    fc.constant('take' as const),
  ),
  { maxLength: 30 },
);

describe("the hospital's acknowledgement batches", () => {
  it('acknowledge every message exactly once, one unit and at most ACK_BATCH_MAX ids a batch, on the stream of its first', () => {
    fc.assert(
      fc.property(steps, (script: readonly Step[]) => {
        const batches = new AckBatches();
        const sent: (readonly [string, AckBatch])[] = [];
        const firstOf = new Map<string, { unit: string; reportId: string; sequence: number }>();
        const open = new Set<string>();
        let n = 0;
        for (const step of script) {
          if (step === 'take') {
            sent.push(...batches.take());
            open.clear();
            continue;
          }
          const unit = `unit-${step.unit}`;
          for (let i = 0; i < step.count; i++, n++) {
            const id = `m-${n}`;
            firstOf.set(id, { unit, reportId: `r-${n}`, sequence: n });
            const { full, first } = batches.add(unit, `r-${n}`, id, n);
            // A take is scheduled exactly when nothing was waiting before.
            expect(first).toBe(open.size === 0);
            if (full !== undefined) sent.push([unit, full]);
            open.add(unit);
          }
        }
        sent.push(...batches.take());
        const acknowledged = sent.flatMap(([, b]) => [...b.of]);
        expect(acknowledged.sort()).toEqual([...firstOf.keys()].sort());
        for (const [unit, batch] of sent) {
          expect(batch.of.size).toBeGreaterThan(0);
          expect(batch.of.size).toBeLessThanOrEqual(ACK_BATCH_MAX);
          const [head] = [...batch.of];
          expect(firstOf.get(head!)).toEqual({ unit, reportId: batch.reportId, sequence: batch.sequence });
          for (const id of batch.of) expect(firstOf.get(id)?.unit).toBe(unit);
        }
        expect(batches.take()).toEqual([]);
      }),
    );
  });

  it("a unit's 65th message closes its full batch and starts the next", () => {
    const batches = new AckBatches();
    for (let i = 0; i < ACK_BATCH_MAX; i++) expect(batches.add('u', 'r-0', `m-${i}`, 1).full).toBeUndefined();
    const { full, first } = batches.add('u', 'r-9', 'm-last', 2);
    expect(first).toBe(false);
    expect(full?.of.size).toBe(ACK_BATCH_MAX);
    expect(batches.take()).toEqual([['u', { reportId: 'r-9', sequence: 2, of: new Set(['m-last']) }]]);
  });
});

describe('the acknowledgements kept for replays', () => {
  const ack = (n: number, expiresAt = 10_000) => ({ to: `unit-${n}`, bytes: new Uint8Array([n]), expiresAt });

  it('answers a replay with the same acknowledgement until it expires', () => {
    const kept = new SentAcks();
    kept.remember(['m-1', 'm-2'], ack(1));
    expect(kept.find('m-2', 9_999)).toEqual(ack(1));
    expect(kept.find('m-2', 10_000)).toBeUndefined();
    expect(kept.find('m-3', 0)).toBeUndefined();
  });

  it('keeps a bounded number, forgetting the oldest first', () => {
    const kept = new SentAcks(3);
    kept.remember(['m-1', 'm-2'], ack(1));
    kept.remember(['m-3', 'm-4'], ack(2));
    expect(kept.find('m-1', 0)).toBeUndefined();
    expect(['m-2', 'm-3', 'm-4'].map((id) => kept.find(id, 0)?.to)).toEqual(['unit-1', 'unit-2', 'unit-2']);
  });
});
