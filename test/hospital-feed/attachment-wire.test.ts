import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock, ok } from '../../src/core/index.js';
import {
  ATTACHMENT_KIND,
  BULK_IN_FLIGHT,
  CHUNK_DATA_BYTES,
  CHUNK_PACKET_OVERHEAD,
  chunkBodies,
  decodeChunk,
  DEFAULT_RETRY_POLICY,
  MAX_PACKET_BYTES,
  MemoryOutboxStore,
  Outbox,
  type PublishLink,
} from '../../src/hospital-feed/index.js';
import { assemble } from '../../src/hospital-feed/attachment-wire.js';
import { manualTimers } from '../support/feed/fake-link.js';
import { entry } from './outbox-store.contract.js';

const meta = {
  reportId: 'report-0001',
  attachmentId: 'attach-0001',
  mediaType: 'image/jpeg' as const,
  category: 'injury' as const,
  addedAt: '2026-11-30T07:00:00.000Z',
};
/** JPEG's leading bytes, then the pattern: the assembly checks the type's magic. */
const jpegLike = (size: number, seed = 7): Uint8Array => {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  b.set([0xff, 0xd8, 0xff]);
  return b;
};
const bodiesOf = (bytes: Uint8Array, m = meta) => {
  const bodies = chunkBodies(m, bytes);
  if (!bodies.ok) throw new Error(bodies.error);
  return bodies.value;
};
const chunksOf = (bytes: Uint8Array, m = meta) => {
  return bodiesOf(bytes, m).map((c) => {
    const d = decodeChunk(c.body);
    if (!d.ok) throw new Error(d.error);
    return d.value;
  });
};

describe('attachment chunks (wire)', () => {
  it('a chunk with its envelope and MQTT header fits the broker packet limit', () => {
    expect(CHUNK_DATA_BYTES + CHUNK_PACKET_OVERHEAD).toBeLessThanOrEqual(MAX_PACKET_BYTES);
    const bodies = bodiesOf(jpegLike(CHUNK_DATA_BYTES * 2 + 1));
    expect(bodies).toHaveLength(3);
    for (const b of bodies) expect(b.body.byteLength).toBeLessThan(CHUNK_DATA_BYTES + 1024);
  });

  it('reassembles in any order, and any changed byte, chunk or manifest is refused', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: CHUNK_DATA_BYTES * 4 + 17 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 255 }),
        (size, pick, seed) => {
          const bytes = jpegLike(Math.max(size, 3), seed);
          const chunks = chunksOf(bytes);
          const shuffled = [...chunks].sort(
            (a, b) => ((a.header.index * 7919 + pick) % 13) - ((b.header.index * 7919 + pick) % 13),
          );
          const whole = assemble(shuffled);
          expect(whole.ok && Buffer.from(whole.value).equals(Buffer.from(bytes))).toBe(true);
          // One byte of one chunk's data changed (the envelope signed it so: a bad sender).
          const at = pick % bytes.byteLength;
          const victim = Math.floor(at / CHUNK_DATA_BYTES);
          const changed = chunks.map((c) => {
            if (c.header.index !== victim) return c;
            const data = Uint8Array.from(c.data);
            const i = at % CHUNK_DATA_BYTES;
            data[i] = (data[i] ?? 0) ^ 0x01;
            return { ...c, data };
          });
          expect(assemble(changed)).toEqual({ ok: false, error: 'digest-mismatch' });
          // A chunk missing, or one of another attachment.
          if (chunks.length === 1) return;
          expect(assemble(chunks.slice(1)).ok).toBe(false);
          const other = chunksOf(bytes, { ...meta, reportId: 'report-0002' });
          expect(assemble([...chunks.slice(1), ...other.slice(0, 1)])).toEqual({
            ok: false,
            error: 'manifest-mismatch',
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('binds the digest to the report: the same bytes under another report have another digest', () => {
    const bytes = jpegLike(1000);
    const a = chunksOf(bytes)[0]?.header.digest;
    const b = chunksOf(bytes, { ...meta, reportId: 'report-0002' })[0]?.header.digest;
    expect(a).toBeDefined();
    expect(a).not.toBe(b);
  });

  it('refuses bodies whose data is not where the header says, and a whole that is not its type', () => {
    const [c] = bodiesOf(jpegLike(CHUNK_DATA_BYTES + 10));
    if (c === undefined) throw new Error('no chunk');
    expect(decodeChunk(c.body.subarray(0, c.body.byteLength - 1)).ok).toBe(false);
    expect(decodeChunk(new TextEncoder().encode('{"v":1}\n')).ok).toBe(false);
    expect(decodeChunk(new Uint8Array(2000).fill(0x41)).ok).toBe(false);
    const notJpeg = new Uint8Array(500).fill(7);
    expect(assemble(chunksOf(notJpeg))).toEqual({ ok: false, error: 'not-its-type' });
    expect(chunkBodies(meta, new Uint8Array(0))).toEqual({ ok: false, error: 'empty' });
  });
});

describe('outbox lanes', () => {
  it('sends reports before attachment chunks, and at most BULK_IN_FLIGHT chunks at once', () => {
    const sent: string[] = [];
    const link: PublishLink = {
      isUp: true,
      receiveMaximum: 20,
      // Never answered: what is in flight stays in flight, so the window is what the test sees.
      publish: (_topic, payload) => (
        sent.push(new TextDecoder().decode(payload)),
        new Promise(() => undefined)
      ),
      on: () => undefined,
    };
    const store = new MemoryOutboxStore();
    const outbox = new Outbox({
      store,
      link,
      clock: new ManualClock(5_000),
      timers: manualTimers().timers,
      random: () => 0.5,
      policy: DEFAULT_RETRY_POLICY,
      maxInFlight: 20,
    });
    const chunk = (n: number) =>
      entry(n, { kind: ATTACHMENT_KIND, createdAt: 100 + n, bytes: new TextEncoder().encode(`chunk-${n}`) });
    const report = (n: number) =>
      entry(n, { createdAt: 200 + n, bytes: new TextEncoder().encode(`report-${n}`) });
    // Chunks stored first (older), then reports: a restart loads them in that order.
    expect(store.write({ entries: [chunk(1), chunk(2), chunk(3), chunk(4), report(5), report(6)] })).toEqual(
      ok(undefined),
    );
    outbox.start();
    expect(sent).toEqual(['report-5', 'report-6', 'chunk-1', 'chunk-2']);
    expect(BULK_IN_FLIGHT).toBe(2);
    outbox.add([report(7)], [], []);
    expect(sent.at(-1)).toBe('report-7');
    outbox.stop();
  });

  it('leaves reports the window: with a window of one, a chunk waits while a report is due', () => {
    const sent: string[] = [];
    const link: PublishLink = {
      isUp: true,
      receiveMaximum: 1,
      publish: (_topic, payload) => (
        sent.push(new TextDecoder().decode(payload)),
        new Promise(() => undefined)
      ),
      on: () => undefined,
    };
    const store = new MemoryOutboxStore();
    store.write({
      entries: [
        entry(1, { kind: ATTACHMENT_KIND, createdAt: 1, bytes: new TextEncoder().encode('chunk-1') }),
        entry(2, { createdAt: 2, bytes: new TextEncoder().encode('report-2') }),
      ],
    });
    const outbox = new Outbox({
      store,
      link,
      clock: new ManualClock(5_000),
      timers: manualTimers().timers,
      random: () => 0.5,
      policy: DEFAULT_RETRY_POLICY,
      maxInFlight: 20,
    });
    outbox.start();
    expect(sent).toEqual(['report-2']);
    outbox.stop();
  });
});
