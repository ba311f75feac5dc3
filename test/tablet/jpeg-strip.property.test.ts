import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JPEG_ERRORS, stripJpegMetadata } from '../../src/roles/tablet/index.js';
import { photoWithGps } from '../support/feed/attachment-sample.js';

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** One marker segment (ITU-T T.81 B.1.1.4): marker, 16-bit length counting itself, payload. */
const segment = (marker: number, payload: readonly number[]): number[] => [
  0xff,
  marker,
  (payload.length + 2) >> 8,
  (payload.length + 2) & 0xff,
  ...payload,
];

const bytes = (max: number): fc.Arbitrary<number[]> => fc.array(fc.nat(255), { maxLength: max });

interface Part {
  readonly encoded: number[];
  /** What the stripped JPEG has of it. */
  readonly kept: number[];
  /** 0xFF fill bytes before its marker (T.81 B.1.1.2), never kept. */
  readonly fill: number;
}

/** Segments the decoder needs: tables, frame headers, restart interval, JFIF (no thumbnail), ICC, Adobe. */
const keptSegment: fc.Arbitrary<number[]> = fc.oneof(
  fc.tuple(fc.constantFrom(0xdb, 0xc4, 0xc0, 0xc2, 0xdd, 0xcc), bytes(40)).map(([m, p]) => segment(m, p)),
  fc
    .tuple(fc.array(fc.nat(255), { minLength: 9, maxLength: 9 }))
    .map(([p]) => segment(0xe0, [...ascii('JFIF\0'), ...p])),
  bytes(40).map((p) => segment(0xe2, [...ascii('ICC_PROFILE\0'), ...p])),
  bytes(12).map((p) => segment(0xee, [...ascii('Adobe'), ...p])),
);

/** Segments that are metadata: Exif and XMP (APP1), IPTC (APP13), comments, vendors' APPn, JFXX. */
const droppedSegment: fc.Arbitrary<number[]> = fc.oneof(
  bytes(60).map((p) => segment(0xe1, [...ascii('Exif\0\0'), ...p])),
  bytes(60).map((p) => segment(0xe1, [...ascii('http://ns.adobe.com/xap/1.0/\0'), ...p])),
  bytes(60).map((p) => segment(0xed, [...ascii('Photoshop 3.0\0'), ...p])),
  bytes(60).map((p) => segment(0xfe, p)),
  fc
    .tuple(fc.constantFrom(0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xef), bytes(40))
    .map(([m, p]) => segment(m, p)),
  bytes(40).map((p) => segment(0xe0, [...ascii('JFXX\0'), ...p])),
  bytes(20).map((p) => segment(0xe2, [...ascii('MPF\0'), ...p])),
);

/** A scan: its SOS header, then entropy-coded data with stuffed 0xFF 0x00 and RSTn markers. */
const scan: fc.Arbitrary<number[]> = fc
  .tuple(
    bytes(12),
    fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 254 }).map((b) => [b]),
        fc.constant([0xff, 0x00]),
        fc.integer({ min: 0xd0, max: 0xd7 }).map((m) => [0xff, m]),
      ),
      { maxLength: 60 },
    ),
  )
  .map(([header, data]) => [...segment(0xda, header), ...data.flat()]);

const part: fc.Arbitrary<Part> = fc
  .tuple(
    fc.oneof(
      keptSegment.map((s) => ({ encoded: s, kept: s })),
      droppedSegment.map((s) => ({ encoded: s, kept: [] as number[] })),
      scan.map((s) => ({ encoded: s, kept: s })),
    ),
    fc.nat(3),
  )
  .map(([p, fill]) => ({ ...p, fill }));

const jpeg = fc.record({
  parts: fc.array(part, { maxLength: 12 }),
  trailer: bytes(30),
});

const build = ({ parts, trailer }: { parts: readonly Part[]; trailer: readonly number[] }) => ({
  input: new Uint8Array([
    0xff,
    0xd8,
    ...parts.flatMap((p) => [...Array<number>(p.fill).fill(0xff), ...p.encoded]),
    0xff,
    0xd9,
    ...trailer,
  ]),
  expected: new Uint8Array([0xff, 0xd8, ...parts.flatMap((p) => p.kept), 0xff, 0xd9]),
});

/**
 * The markers of a JPEG's segments, in order, walked as T.81 B.1.1 lays them out (lengths after
 * every marker but SOI, EOI and RSTn; entropy-coded data after SOS): the test's own reader.
 */
const segmentMarkers = (b: Uint8Array): number[] => {
  const out: number[] = [];
  let i = 2;
  while (i + 1 < b.length) {
    const m = b[i + 1]!;
    out.push(m);
    if (m === 0xd9) break;
    i += 2 + ((b[i + 2]! << 8) | b[i + 3]!);
    if (m === 0xda)
      while (!(b[i] === 0xff && b[i + 1] !== 0x00 && (b[i + 1]! < 0xd0 || b[i + 1]! > 0xd7))) i++;
  }
  return out;
};

describe('JPEG metadata segments cut out (ITU-T T.81 Annex B)', () => {
  it('keeps every segment a decoder needs and the entropy-coded data byte for byte, and nothing else', () => {
    fc.assert(
      fc.property(jpeg, (j) => {
        const { input, expected } = build(j);
        const out = stripJpegMetadata(input);
        expect(out).toEqual({ ok: true, value: expected });
      }),
      { numRuns: 300 },
    );
  });

  it('leaves no APP1, APP13 or COM segment, and stripping again changes nothing', () => {
    fc.assert(
      fc.property(jpeg, (j) => {
        const out = stripJpegMetadata(build(j).input);
        if (!out.ok) throw new Error(out.error);
        const markers = segmentMarkers(out.value);
        expect(markers.at(-1)).toBe(0xd9);
        for (const m of [0xe1, 0xed, 0xfe]) expect(markers).not.toContain(m);
        expect(
          markers.filter((m) => m >= 0xe0 && m <= 0xef).every((m) => [0xe0, 0xe2, 0xee].includes(m)),
        ).toBe(true);
        expect(stripJpegMetadata(out.value)).toEqual(out);
      }),
      { numRuns: 200 },
    );
  });

  it('any bytes give a JPEG or a typed error, never a throw; a JPEG cut before its EOI is an error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const out = stripJpegMetadata(b);
        if (!out.ok) expect(JPEG_ERRORS).toContain(out.error);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(jpeg, fc.nat(), (j, n) => {
        const { input } = build(j);
        const eoiEnd = input.length - j.trailer.length;
        const cut = input.subarray(0, n % eoiEnd);
        const out = stripJpegMetadata(cut);
        expect(out.ok).toBe(false);
        if (!out.ok) expect(JPEG_ERRORS).toContain(out.error);
      }),
      { numRuns: 300 },
    );
  });

  it('a phone photo with EXIF GPS decodes to the same pixels without any of it; a JFIF thumbnail goes', async () => {
    const photo = await photoWithGps(320, 240);
    expect(segmentMarkers(photo)).toContain(0xe1);
    const out = stripJpegMetadata(photo);
    if (!out.ok) throw new Error(out.error);
    const meta = await sharp(out.value).metadata();
    expect(meta.exif).toBeUndefined();
    const latin1 = Buffer.from(out.value).toString('latin1');
    for (const trace of ['Exif', 'TestCam', 'EMS-Phone', 'SN-4711']) expect(latin1).not.toContain(trace);
    const [a, b] = [await sharp(photo).raw().toBuffer(), await sharp(out.value).raw().toBuffer()];
    expect(b.equals(a)).toBe(true);

    // A JFIF APP0 with a 2 × 1 thumbnail (6 bytes of RGB) becomes the 16-byte one without it.
    const jfif = segment(0xe0, [...ascii('JFIF\0'), 1, 2, 0, 0, 72, 0, 72, 2, 1, 9, 9, 9, 8, 8, 8]);
    const withThumb = new Uint8Array([0xff, 0xd8, ...jfif, ...Buffer.from(photo).subarray(2)]);
    const stripped = stripJpegMetadata(withThumb);
    if (!stripped.ok) throw new Error(stripped.error);
    expect([...stripped.value.subarray(0, 20)]).toEqual([
      0xff,
      0xd8,
      ...segment(0xe0, [...ascii('JFIF\0'), 1, 2, 0, 0, 72, 0, 72, 0, 0]),
    ]);
    expect((await sharp(stripped.value).raw().toBuffer()).equals(a)).toBe(true);
    // The caller's bytes are left as they came, a Buffer too (whose `slice` is a view, not a copy).
    const asBuffer = Buffer.from(withThumb);
    expect(stripJpegMetadata(asBuffer).ok).toBe(true);
    expect(asBuffer.equals(withThumb)).toBe(true);
  });
});
