import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CacheConfigError,
  CacheConfigErrorCode,
  CacheErrorCode,
  ENTRY_OVERHEAD_BYTES,
  SummaryCache,
  cacheMetrics,
  type CacheObserver,
  type SummaryCacheOptions,
} from '../../src/cache/index.js';
import { ManualClock } from '../../src/core/index.js';
import { Metrics } from '../../src/metrics/index.js';
import { CacheModel } from './model.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const read = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : new TextDecoder().decode(b);

const make = (options: Partial<SummaryCacheOptions> & { clock: ManualClock }): SummaryCache => {
  const created = SummaryCache.create({ maxEntries: 8, maxBytes: 4096, ttlMs: 60_000, ...options });
  if (!created.ok) throw created.error;
  return created.value;
};

describe('SummaryCache configuration', () => {
  it.each([
    [{ maxEntries: 0 }, 'maxEntries'],
    [{ maxEntries: Number.POSITIVE_INFINITY }, 'maxEntries'],
    [{ maxBytes: Number.NaN }, 'maxBytes'],
    [{ maxBytes: -1 }, 'maxBytes'],
    [{ maxBytes: 2 ** 40 }, 'maxBytes'],
    [{ ttlMs: 0 }, 'ttlMs'],
    [{ ttlMs: 1.5 }, 'ttlMs'],
    [{ ttlMs: 30 * 24 * 3600_000 }, 'ttlMs'],
    [{ maxEntryBytes: 8192 }, 'maxEntryBytes'],
    [{ maxEntryBytes: ENTRY_OVERHEAD_BYTES }, 'maxEntryBytes'],
  ])('refuses %o at construction', (override, field) => {
    const created = SummaryCache.create({
      maxEntries: 8,
      maxBytes: 4096,
      ttlMs: 60_000,
      clock: new ManualClock(),
      ...override,
    });
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.error).toBeInstanceOf(CacheConfigError);
    expect(created.error.code).toBe(CacheConfigErrorCode.INVALID);
    expect(created.error.problems.map((p) => p.field)).toContain(field);
  });

  it('reports every problem at once', () => {
    const created = SummaryCache.create({ maxEntries: 0, maxBytes: 0, ttlMs: 0, clock: new ManualClock() });
    expect(!created.ok && created.error.problems.length).toBeGreaterThanOrEqual(3);
  });
});

describe('SummaryCache', () => {
  it('round-trips values and stores only ciphertext', () => {
    const wiped: Uint8Array[] = [];
    const cache = make({ clock: new ManualClock(), onWipe: (b) => wiped.push(b.slice()) });
    const secret = 'ワルファリン warfarin 5mg';
    cache.set('sess-1', 'summary', text(secret));
    expect(read(cache.get('sess-1', 'summary'))).toBe(secret);
    expect(cache.bytes).toBe(text(secret).length + ENTRY_OVERHEAD_BYTES);
    // Replacing the value wipes the old ciphertext; it never held the plaintext.
    cache.set('sess-1', 'summary', text('new'));
    expect(wiped).toHaveLength(1);
    expect(Buffer.from(wiped[0] as Uint8Array).includes(Buffer.from(text('warfarin')))).toBe(false);
  });

  it('wipes every buffer to zero on eviction, expiry, replacement and purge', () => {
    const clock = new ManualClock(1_000);
    const wiped: Uint8Array[] = [];
    const reasons: string[] = [];
    const observer: CacheObserver = {
      hit: () => undefined,
      miss: () => undefined,
      removed: (r) => reasons.push(r),
      size: () => undefined,
    };
    const cache = make({ clock, maxEntries: 2, onWipe: (b) => wiped.push(b), observer });
    cache.set('a', 's', text('one'));
    cache.set('b', 's', text('two'));
    cache.set('c', 's', text('three')); // evicts a
    cache.set('c', 's', text('three again')); // replaces
    clock.advance(60_001);
    expect(cache.get('b', 's')).toBeUndefined(); // expired
    cache.set('d', 's', text('four'));
    cache.purgeSession('d');
    cache.purgeAll();
    expect(reasons.sort()).toEqual(['capacity', 'expired', 'purged', 'purged', 'replaced'].sort());
    expect(wiped).toHaveLength(5);
    for (const buffer of wiped) {
      expect(buffer.length).toBeGreaterThan(ENTRY_OVERHEAD_BYTES);
      expect(buffer.every((b) => b === 0)).toBe(true);
    }
  });

  it('expires by the injected clock, from the time of writing, and sweeps', () => {
    const clock = new ManualClock(5_000);
    const cache = make({ clock, ttlMs: 10_000 });
    cache.set('s1', 'summary', text('x'));
    clock.advance(9_000);
    expect(cache.get('s1', 'summary')).toBeDefined(); // reading does not extend the lifetime
    clock.advance(1_000);
    expect(cache.get('s1', 'summary')).toBeDefined();
    clock.advance(1);
    expect(cache.get('s1', 'summary')).toBeUndefined();
    cache.set('s2', 'summary', text('y'));
    clock.advance(10_001);
    expect(cache.entries).toBe(1);
    expect(cache.sweep()).toBe(1);
    expect(cache.entries).toBe(0);
  });

  it('purges one card session on handover and leaves the others', () => {
    const cache = make({ clock: new ManualClock() });
    cache.set('sess-1', 'summary', text('a'));
    cache.set('sess-1', 'raw', text('b'));
    cache.set('sess-10', 'summary', text('c'));
    expect(cache.purgeSession('sess-1')).toBe(2);
    expect(cache.get('sess-1', 'summary')).toBeUndefined();
    expect(read(cache.get('sess-10', 'summary'))).toBe('c');
  });

  it('refuses an entry larger than one entry may be, and drops the older value in that slot', () => {
    const cache = make({ clock: new ManualClock(), maxEntryBytes: 100 });
    cache.set('s', 'summary', text('old'));
    expect(cache.set('s', 'summary', new Uint8Array(61))).toEqual({
      ok: false,
      error: CacheErrorCode.ENTRY_TOO_LARGE,
    });
    expect(cache.get('s', 'summary')).toBeUndefined();
    expect(cache.set('s', 'summary', new Uint8Array(60)).ok).toBe(true);
  });

  it('refuses ids that are not opaque tokens', () => {
    const cache = make({ clock: new ManualClock() });
    expect(() => cache.set('山田 太郎', 'summary', text('x'))).toThrow(RangeError);
  });

  it('counts hits, misses and removals in metrics, with no keys or values', async () => {
    const metrics = new Metrics({}, false);
    const cache = make({ clock: new ManualClock(), maxEntries: 1, observer: cacheMetrics(metrics) });
    cache.set('sess-secret', 'summary', text('penicillin'));
    cache.get('sess-secret', 'summary');
    cache.get('sess-other', 'summary');
    cache.set('sess-2', 'summary', text('x'));
    const out = await metrics.text();
    expect(out).toContain('ems_summary_cache_hits_total 1');
    expect(out).toContain('ems_summary_cache_misses_total 1');
    expect(out).toContain('ems_summary_cache_removals_total{reason="capacity"} 1');
    expect(out).toContain('ems_summary_cache_entries 1');
    expect(out).not.toContain('sess-secret');
    expect(out).not.toContain('penicillin');
  });
});

type Op =
  | { op: 'set'; session: number; slot: number; size: number; tag: number }
  | { op: 'get'; session: number; slot: number }
  | { op: 'purgeSession'; session: number }
  | { op: 'purgeAll' }
  | { op: 'sweep' }
  | { op: 'advance'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      session: fc.nat(5),
      slot: fc.nat(2),
      size: fc.nat(700),
      tag: fc.nat(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant('get' as const), session: fc.nat(5), slot: fc.nat(2) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('purgeSession' as const), session: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'purgeAll' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'sweep' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.oneof(fc.nat(20), fc.nat(4_000)) }),
  },
);

describe('SummaryCache against a reference model', () => {
  it('agrees with the model on every read and never exceeds its bounds', () => {
    fc.assert(
      fc.property(
        fc.record({
          maxEntries: fc.integer({ min: 1, max: 12 }),
          maxBytes: fc.integer({ min: 200, max: 3000 }),
          ttlMs: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 10_000 })),
        }),
        fc.array(opArb, { maxLength: 120 }),
        (limits, ops) => {
          const clock = new ManualClock(1_700_000_000_000);
          const wiped: Uint8Array[] = [];
          const cache = make({ clock, ...limits, onWipe: (b) => wiped.push(b) });
          const model = new CacheModel(limits.maxEntries, limits.maxBytes, limits.maxBytes, limits.ttlMs);
          for (const op of ops) {
            switch (op.op) {
              case 'set': {
                const value = `${op.tag}:`.padEnd(op.size, '.');
                const stored = cache.set(`s${op.session}`, `k${op.slot}`, text(value));
                const expected = model.set(
                  `s${op.session}/k${op.slot}`,
                  value,
                  text(value).length + ENTRY_OVERHEAD_BYTES,
                  clock.now(),
                );
                expect(stored.ok).toBe(expected === 'stored');
                break;
              }
              case 'get':
                expect(read(cache.get(`s${op.session}`, `k${op.slot}`))).toBe(
                  model.get(`s${op.session}/k${op.slot}`, clock.now()),
                );
                break;
              case 'purgeSession':
                cache.purgeSession(`s${op.session}`);
                model.purgeSession(`s${op.session}`);
                break;
              case 'purgeAll':
                cache.purgeAll();
                model.purgeAll();
                break;
              case 'sweep':
                cache.sweep();
                model.sweep(clock.now());
                break;
              case 'advance':
                clock.advance(op.ms);
                break;
              default:
                return op satisfies never;
            }
            expect(cache.bytes).toBeLessThanOrEqual(limits.maxBytes);
            expect(cache.entries).toBeLessThanOrEqual(limits.maxEntries);
            expect(cache.bytes).toBe(model.bytes);
            expect(cache.entries).toBe(model.entries.length);
          }
          for (const buffer of wiped) expect(buffer.every((b) => b === 0)).toBe(true);
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
