import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_PACKET_BYTES,
  PACKET_SCAN_START,
  scanPackets,
  type PacketScan,
} from '../../src/hospital-feed/index.js';

/** MQTT 3.1.1 §2.2.3 Remaining Length, written from the spec (7 bits per byte, low first). */
const remainingLength = (n: number): number[] => {
  const out: number[] = [];
  let x = n;
  do {
    const byte = x % 128;
    x = Math.floor(x / 128);
    out.push(x > 0 ? byte | 0x80 : byte);
  } while (x > 0);
  return out;
};

const packet = (type: number, bodyLength: number): Uint8Array =>
  Uint8Array.from([type, ...remainingLength(bodyLength), ...new Array<number>(bodyLength).fill(0xab)]);

const scanAll = (chunks: readonly Uint8Array[], limit: number) => {
  let scan: PacketScan = PACKET_SCAN_START;
  for (const chunk of chunks) {
    const next = scanPackets(scan, chunk, limit);
    if (!next.ok) return next;
    scan = next.value;
  }
  return { ok: true as const, value: scan };
};

describe('MQTT packet size scan', () => {
  it('accepts a stream exactly when every packet fits, however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 400 })), {
          maxLength: 8,
        }),
        fc.integer({ min: 2, max: 420 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (packets, limit, cuts) => {
          const encoded = packets.map(([type, length]) => packet(type, length));
          const stream = Uint8Array.from(encoded.flatMap((p) => [...p]));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points].map((from, i) => stream.subarray(from, points[i] ?? stream.length));
          const result = scanAll(chunks, limit);
          const fits = encoded.every((p) => p.length <= limit);
          expect(result.ok).toBe(fits);
          if (!result.ok) expect(result.error).toBe('too-large');
          else expect(result.value).toEqual(PACKET_SCAN_START);
        },
      ),
    );
  });

  it('refuses the header of a 100 MB publish on its own, before any body byte', () => {
    const header = Uint8Array.from([0x30, ...remainingLength(100 * 1024 * 1024)]);
    expect(scanAll([header], MAX_PACKET_BYTES)).toEqual({ ok: false, error: 'too-large' });
    // The largest packet allowed is MAX_PACKET_BYTES with its header; one byte more is refused.
    const body = MAX_PACKET_BYTES - 1 - remainingLength(MAX_PACKET_BYTES).length;
    expect(scanAll([Uint8Array.from([0x30, ...remainingLength(body)])], MAX_PACKET_BYTES).ok).toBe(true);
    expect(scanAll([Uint8Array.from([0x30, ...remainingLength(body + 1)])], MAX_PACKET_BYTES).ok).toBe(false);
  });

  it('refuses a Remaining Length of more than four bytes', () => {
    expect(scanAll([Uint8Array.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])], Number.MAX_SAFE_INTEGER)).toEqual(
      {
        ok: false,
        error: 'malformed-length',
      },
    );
  });
});
