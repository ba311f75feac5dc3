import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  JP2_ERRORS,
  stripCodestreamComments,
  stripJpeg2000Metadata,
} from '../../src/roles/tablet/jp2-strip.js';
import {
  box,
  boxes,
  comSegment,
  insertBoxes,
  insertIntoSuperbox,
  opjDecode,
  opjEncode,
  samplePpm,
  segments,
  withTilePartComment,
} from '../support/jpeg2000.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/-/g, ''), 'hex');
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Metadata as cameras, scanners and GIS tools write it into a JP2 file, each with a trace to look for. */
const XMP_GPS = box(
  'xml ',
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="35,41.1234N" exif:GPSLongitude="139,41.5678E"/></rdf:RDF></x:xmpmeta>',
);
const XMP_UUID = box(
  'uuid',
  Buffer.concat([
    hex('BE7ACFCB-97A9-42E8-9C71-999491E3AFAC'),
    Buffer.from('<tiff:Model>EMS-Phone 9</tiff:Model>'),
  ]),
);
const GEOJP2 = box(
  'uuid',
  Buffer.concat([hex('B14BF8BD-083D-4B43-A5AE-8CD7D5A6CE03'), Buffer.from('GeoTIFF 35.6895 139.6917')]),
);
const UUID_INFO = box(
  'uinf',
  Buffer.concat([
    box('ulst', Buffer.concat([Buffer.from([0, 1]), hex('B14BF8BD-083D-4B43-A5AE-8CD7D5A6CE03')])),
    box(
      'url ',
      Buffer.concat([
        Buffer.from([0, 0, 0, 0]),
        Buffer.from('https://tracker.example/scan?device=SN-4711\0'),
      ]),
    ),
  ]),
);
const IPR = box('jp2i', 'Owner: Dr. Hidden Author');
const FREE = box('free', 'LEFTOVER-SECRET');
const TRACES = [
  'GPSLatitude',
  'xmpmeta',
  'EMS-Phone',
  'GeoTIFF',
  'tracker.example',
  'SN-4711',
  'Dr. Hidden',
  'LEFTOVER-SECRET',
  'EncoderSN',
];

const ppm = samplePpm();

/** A JP2 written by OpenJPEG (its COM naming a device), with metadata boxes planted everywhere they go. */
const planted = (): { clean: Uint8Array; file: Uint8Array } => {
  const clean = opjEncode(ppm, { comment: 'EncoderSN-4711 (OpenJPEG)' });
  // After ftyp (where cameras put XMP), inside the JP2 header, and after the codestream (GeoJP2).
  let file = insertBoxes(clean, 2, [XMP_GPS, IPR, UUID_INFO]);
  file = insertIntoSuperbox(file, 'jp2h', [
    box('uuid', Buffer.concat([hex('BE7ACFCB-97A9-42E8-9C71-999491E3AFAC'), Buffer.from('SN-4711')])),
  ]);
  file = Buffer.concat([file, XMP_UUID, GEOJP2, FREE]);
  return { clean, file };
};

describe('JPEG 2000 images stripped of their metadata (issue 16: a PDF JPXDecode image, ISO/IEC 15444-1)', () => {
  it('the planted file carries every trace and OpenJPEG still decodes it', () => {
    const { file } = planted();
    for (const trace of TRACES) expect(latin1(file), trace).toContain(trace);
    expect(boxes(file).map((b) => b.type)).toEqual([
      'jP  ',
      'ftyp',
      'xml ',
      'jp2i',
      'uinf',
      'jp2h',
      'jp2c',
      'uuid',
      'uuid',
      'free',
    ]);
    expect(opjDecode(file)).toEqual(opjDecode(opjEncode(ppm)));
  });

  it('keeps the signature, file type, header and codestream; drops XML, UUID, UUID info, IPR, free space and COM; the same pixels', () => {
    const { file } = planted();
    const out = stripJpeg2000Metadata(file);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    for (const trace of TRACES) expect(latin1(out.value), trace).not.toContain(trace);
    const top = boxes(out.value);
    expect(top.map((b) => b.type)).toEqual(['jP  ', 'ftyp', 'jp2h', 'jp2c']);
    const header = top.find((b) => b.type === 'jp2h')!;
    expect(boxes(out.value, header.content, header.end).map((b) => b.type)).toEqual(['ihdr', 'colr']);
    const codestream = top.find((b) => b.type === 'jp2c')!;
    expect(segments(out.value.subarray(codestream.content)).map((s) => s.marker)).not.toContain(0xff64);
    expect(opjDecode(out.value)).toEqual(opjDecode(file));
    // Nothing else was changed: the same picture encoded with OpenJPEG's own comment strips to the same bytes.
    const other = stripJpeg2000Metadata(opjEncode(ppm));
    expect(other.ok && Buffer.from(other.value)).toEqual(Buffer.from(out.value));
  });

  it('a bare codestream loses its COM segment and nothing else; a stripped one comes back as it was', () => {
    const commented = opjEncode(ppm, { codestream: true, comment: 'EncoderSN-4711' });
    expect(latin1(commented)).toContain('EncoderSN-4711');
    const out = stripJpeg2000Metadata(commented);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(latin1(out.value)).not.toContain('EncoderSN');
    const com = segments(commented).find((s) => s.marker === 0xff64)!;
    expect(Buffer.from(out.value)).toEqual(
      Buffer.concat([commented.subarray(0, com.at), commented.subarray(com.end)]),
    );
    const again = stripJpeg2000Metadata(out.value);
    expect(again.ok && Buffer.from(again.value)).toEqual(Buffer.from(out.value));
    expect(opjDecode(out.value)).toEqual(opjDecode(commented));
  });

  it('a COM in a tile-part header goes, its Psot shrinks by as much and the TLM index that no longer fits goes too', () => {
    // OpenJPEG's own COM (main header) stripped first: the TLM index stays, as no tile-part changed.
    const encoded = stripCodestreamComments(opjEncode(ppm, { codestream: true, tile: 16 }));
    if (!encoded.ok) throw new Error(encoded.error);
    const tiled = encoded.value;
    expect(segments(tiled).filter((s) => s.marker === 0xff90).length).toBeGreaterThan(6);
    expect(segments(tiled).map((s) => s.marker)).toContain(0xff55);
    const commented = withTilePartComment(tiled, 'TILE-SN-4711');
    expect(opjDecode(commented)).toEqual(opjDecode(tiled));
    const given = Buffer.from(commented);
    const out = stripCodestreamComments(commented);
    // The caller's bytes stay as they came (a Buffer's `slice` would have been a view of them).
    expect(Buffer.from(commented)).toEqual(given);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(latin1(out.value)).not.toContain('TILE-SN-4711');
    const markers = segments(out.value).map((s) => s.marker);
    expect(markers).not.toContain(0xff64);
    expect(markers).not.toContain(0xff55);
    // Every tile-part but the index is as it was; OpenJPEG decodes the same pixels.
    const tlm = segments(tiled).find((s) => s.marker === 0xff55)!;
    expect(Buffer.from(out.value)).toEqual(
      Buffer.concat([tiled.subarray(0, tlm.at), tiled.subarray(tlm.end)]),
    );
    expect(opjDecode(out.value)).toEqual(opjDecode(tiled));
    // Without a tile-part COM the index stays: nothing needed it gone.
    const kept = stripCodestreamComments(tiled);
    expect(kept.ok && Buffer.from(kept.value)).toEqual(Buffer.from(tiled));
    expect(opjDecode(tiled)).toEqual(opjDecode(opjEncode(ppm, { codestream: true, tile: 16 })));
  });

  it('reads long (XLBox) and open-ended (LBox 0) boxes, and writes every length out', () => {
    const { clean } = planted();
    const top = boxes(clean);
    const jp2c = top.find((b) => b.type === 'jp2c')!;
    const cs = clean.subarray(jp2c.content, jp2c.end);
    const long = Buffer.alloc(16);
    long.writeUInt32BE(1, 0);
    long.write('xml ', 4, 'latin1');
    long.writeBigUInt64BE(BigInt(16 + 9), 8);
    const openEnded = Buffer.alloc(8);
    openEnded.write('jp2c', 4, 'latin1');
    const file = Buffer.concat([clean.subarray(0, jp2c.at), long, Buffer.from('SN-4711-X'), openEnded, cs]);
    const out = stripJpeg2000Metadata(file);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(latin1(out.value)).not.toContain('SN-4711');
    const expected = stripJpeg2000Metadata(clean);
    expect(expected.ok && Buffer.from(expected.value)).toEqual(Buffer.from(out.value));
    // A kept box that ran to the end (here reader requirements, last) is written with its length.
    const lastOpen = Buffer.concat([
      clean,
      Buffer.from([0, 0, 0, 0]),
      Buffer.from('rreq'),
      Buffer.from([1, 0, 0, 0]),
    ]);
    const written = stripJpeg2000Metadata(lastOpen);
    expect(written.ok).toBe(true);
    if (written.ok)
      expect(boxes(written.value).at(-1)).toMatchObject({ type: 'rreq', end: written.value.length });
    if (written.ok) expect(Buffer.from(written.value).readUInt32BE(written.value.length - 12)).toBe(12);
    expect(opjDecode(out.value)).toEqual(opjDecode(clean));
  });

  it('refuses what it cannot follow: not JPEG 2000, cut short, a fragment table, a bad marker', () => {
    const { clean } = planted();
    expect(stripJpeg2000Metadata(Buffer.from('GIF89a'))).toEqual({ ok: false, error: 'not-jpeg2000' });
    expect(stripJpeg2000Metadata(clean.subarray(0, clean.length - 100))).toMatchObject({ ok: false });
    // 15444-2's fragment table: the codestream kept elsewhere, perhaps at a URL.
    const fragments = insertBoxes(clean, 3, [box('ftbl', box('flst', Buffer.alloc(16)))]);
    expect(stripJpeg2000Metadata(fragments)).toEqual({ ok: false, error: 'unsupported-box' });
    // Superboxes nested deeper than the standard nests them.
    let nested: Uint8Array = box('ihdr', Buffer.alloc(14));
    for (let depth = 0; depth < 5; depth++) nested = box('jp2h', nested);
    expect(stripJpeg2000Metadata(insertBoxes(clean, 2, [nested]))).toEqual({ ok: false, error: 'bad-box' });
    const cs = opjEncode(ppm, { codestream: true });
    const broken = Buffer.from(cs);
    broken[segments(cs)[2]!.at] = 0x12;
    expect(stripCodestreamComments(broken)).toEqual({ ok: false, error: 'bad-marker' });
    expect(
      stripCodestreamComments(Buffer.concat([cs.subarray(0, 2), comSegment('x').subarray(0, 4)])),
    ).toEqual({
      ok: false,
      error: 'truncated',
    });
  });

  it('property: metadata boxes planted anywhere are gone, and the rest is what the clean file strips to', () => {
    const clean = opjEncode(ppm, { comment: 'EncoderSN-4711' });
    const expected = stripJpeg2000Metadata(clean);
    if (!expected.ok) throw new Error(expected.error);
    const metadataBox = fc
      .tuple(
        fc.constantFrom('xml ', 'uuid', 'uinf', 'jp2i', 'free', 'lbl ', 'asoc'),
        fc.uint8Array({ maxLength: 64 }),
      )
      .map(([type, bytes]) => box(type, Buffer.concat([Buffer.from('PLANTED'), bytes])));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 2, max: 4 }), metadataBox), { maxLength: 6 }),
        fc.array(metadataBox, { maxLength: 3 }),
        (top, inHeader) => {
          let file = inHeader.length > 0 ? insertIntoSuperbox(clean, 'jp2h', inHeader) : clean;
          for (const [index, planted] of top) file = insertBoxes(file, index, [planted]);
          const out = stripJpeg2000Metadata(file);
          expect(out.ok).toBe(true);
          if (!out.ok) return;
          expect(latin1(out.value)).not.toContain('PLANTED');
          expect(Buffer.from(out.value)).toEqual(Buffer.from(expected.value));
        },
      ),
    );
  });

  it('property: any bytes, or a real file with bytes changed or cut, give an image or a typed error, never a throw', () => {
    const file = planted().file;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        for (const input of [
          bytes,
          Buffer.concat([file.subarray(0, 12), bytes]),
          Buffer.concat([Buffer.from([0xff, 0x4f]), bytes]),
        ]) {
          const out = stripJpeg2000Metadata(input);
          if (!out.ok) expect(JP2_ERRORS).toContain(out.error);
        }
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: file.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          maxLength: 8,
        }),
        fc.nat({ max: file.length }),
        (changes, cut) => {
          const damaged = Buffer.from(file.subarray(0, Math.max(cut, 12)));
          for (const [at, value] of changes) if (at < damaged.length) damaged[at] = value;
          const out = stripJpeg2000Metadata(damaged);
          if (!out.ok) expect(JP2_ERRORS).toContain(out.error);
        },
      ),
    );
  });
});
