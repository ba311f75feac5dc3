import { constants, deflateRawSync, deflateSync, inflateRawSync } from 'node:zlib';
import * as lib from '@cantoo/pdf-lib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeBounded,
  DECODE_FACTOR,
  measureBounded,
  PIXEL_FACTOR,
  prepareAttachment,
  type AttachmentBounds,
} from '../../src/roles/tablet/index.js';
import { pdfFixture } from '../support/pdf-read.js';

const BOUNDS: AttachmentBounds = {
  maxEdgePx: 1600,
  jpegQuality: 80,
  maxImageBytes: 1024 * 1024,
  maxPdfBytes: 1024 * 1024,
  maxUploadBytes: 20 * 1024 * 1024,
  maxPerPatient: 8,
};
const MiB = 1024 * 1024;
/** What the test process may grow by while a bomb is refused (the library, once loaded, is not counted). */
const RSS_ALLOWANCE = 64 * MiB;

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

/**
 * A zlib stream (RFC 1950) that inflates to `mib` MiB of zeros, built without ever holding them:
 * one MiB of zeros deflated raw and ended by a sync flush (byte-aligned, not final, RFC 1951
 * 3.2.4's empty stored block; its matches reach back one byte at most, so copies may follow one
 * another), `mib` copies, then an empty final block with fixed codes (`03 00`).
 */
const zerosChunk = deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
const zerosZlib = (mib: number): Buffer =>
  Buffer.concat([latin1('\x78\xda'), ...Array.from({ length: mib }, () => zerosChunk), latin1('\x03\x00')]);

/**
 * One deflate block with fixed Huffman codes (RFC 1951 3.2.6) that inflates to `bytes` zeros: a
 * literal 0 (code 00110000), then matches of length 258 (code 285: 11000101) at distance 1 (code
 * 0: 00000), then end of block (0000000). Huffman codes are packed most significant bit first, the
 * block header (BFINAL 1, BTYPE 01) least significant first. In a zlib wrapper, no Adler-32.
 */
const oneBlockZlib = (bytes: number): Buffer => {
  const out: number[] = [0x78, 0xda];
  let acc = 0;
  let n = 0;
  const bit = (b: number): void => {
    acc |= b << n;
    if (++n < 8) return;
    out.push(acc);
    acc = 0;
    n = 0;
  };
  const code = (value: number, length: number): void => {
    for (let i = length - 1; i >= 0; i--) bit((value >> i) & 1);
  };
  bit(1);
  bit(1);
  bit(0);
  code(0b00110000, 8);
  for (let left = bytes - 1; left >= 258; left -= 258) {
    code(0b11000101, 8);
    code(0, 5);
  }
  code(0, 7);
  if (n > 0) out.push(acc);
  return Buffer.from(out);
};

/** A one-page PDF (ISO 32000-1 7.5, parsed front to back by the library) with `extra` as object 4. */
const pdfWith = (extra: Buffer, page = ''): Uint8Array =>
  new Uint8Array(
    Buffer.concat([
      latin1(
        '%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' +
          '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n' +
          `3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] ${page} >>\nendobj\n4 0 obj\n`,
      ),
      extra,
      latin1('\nendobj\ntrailer\n<< /Root 1 0 R /Size 5 >>\n%%EOF\n'),
    ]),
  );
const stream = (dict: string, data: Buffer): Buffer =>
  Buffer.concat([latin1(`<< ${dict} /Length ${data.byteLength} >>\nstream\n`), data, latin1('\nendstream')]);

const rssGrowth = async (run: () => Promise<unknown>): Promise<number> => {
  const before = process.memoryUsage().rss;
  await run();
  return process.memoryUsage().rss - before;
};

describe('a PDF decompression bomb is refused on the tablet (too-large), never inflated', () => {
  beforeAll(async () => {
    // The library loads on the first PDF (+31–35 MiB resident): loaded here, not counted below.
    expect((await prepareAttachment(pdfFixture('layers.pdf'), BOUNDS)).ok).toBe(true);
  });

  // 3 GiB of zeros, Flate over Flate: the outer stream is a few KiB, the inner 3.0 MiB (within the
  // budget, 4 MiB), so the refusal comes from the second stage of the chain.
  const inner = zerosZlib(3072);
  const gigabytes = deflateSync(inner, { level: 9 });

  it.each([
    ['object stream (7.5.7)', '/Type /ObjStm /N 1 /First 4'],
    ['cross-reference stream (7.5.8)', '/Type /XRef /Size 5 /W [1 1 1]'],
  ])('a %s of a few KiB that inflates to 3 GiB', async (_, dict) => {
    expect(gigabytes.byteLength).toBeLessThan(64 * 1024);
    expect(inner.byteLength).toBeLessThan(DECODE_FACTOR * BOUNDS.maxPdfBytes);
    const bomb = pdfWith(stream(`${dict} /Filter [/FlateDecode /FlateDecode]`, gigabytes));
    let result: unknown;
    const growth = await rssGrowth(async () => (result = await prepareAttachment(bomb, BOUNDS)));
    expect(result).toEqual({ ok: false, error: 'too-large' });
    expect(growth).toBeLessThan(RSS_ALLOWANCE);
  });

  it('a JPEG behind one deflate block of 512 MiB (the library’s own decoder writes a block whole)', async () => {
    const block = oneBlockZlib(512 * MiB);
    expect(block.byteLength).toBeLessThan(4 * MiB);
    expect(inflateRawSync(oneBlockZlib(1 + 258 * 400).subarray(2))).toEqual(Buffer.alloc(1 + 258 * 400));
    const bomb = pdfWith(
      stream(
        '/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter [/FlateDecode /DCTDecode]',
        block,
      ),
      // Reached from the page, so the rewrite decodes it to strip the JPEG (`cleanStream`).
      '/Resources << /XObject << /Im1 4 0 R >> >>',
    );
    let result: unknown;
    const growth = await rssGrowth(async () => (result = await prepareAttachment(bomb, BOUNDS)));
    expect(result).toEqual({ ok: false, error: 'too-large' });
    expect(growth).toBeLessThan(RSS_ALLOWANCE);
  });

  // Streams the parser never decodes but the rewrite carries and an ER's viewer inflates (issue 16,
  // 'pdfbomb'): each a few KiB, 3 GiB once decoded.
  const FONT =
    '/Font << /F1 << /Type /Font /Subtype /TrueType /BaseFont /X /FirstChar 32 /LastChar 32 /Widths [500] /FontDescriptor << /Type /FontDescriptor /FontName /X /Flags 32 /FontBBox [0 0 1 1] /ItalicAngle 0 /Ascent 1 /Descent 0 /CapHeight 1 /StemV 1 /FontFile2 4 0 R >> >> >>';
  it.each([
    ['page content stream (7.8.2)', '', '/Contents 4 0 R'],
    [
      'form XObject (8.10)',
      '/Type /XObject /Subtype /Form /BBox [0 0 1 1]',
      '/Resources << /XObject << /Fm1 4 0 R >> >>',
    ],
    ['font file (9.9)', '', `/Resources << ${FONT} >>`],
    [
      'Flate image (8.9.5)',
      // 1024 rows of 1023 samples and a predictor's tag: 1 MiB, what the small stream below inflates to.
      '/Type /XObject /Subtype /Image /Width 1023 /Height 1024 /ColorSpace /DeviceGray /BitsPerComponent 8',
      '/Resources << /XObject << /Im1 4 0 R >> >>',
    ],
  ])('a %s of a few KiB that inflates to 3 GiB', async (_, dict, page) => {
    const bomb = pdfWith(stream(`${dict} /Filter [/FlateDecode /FlateDecode]`, gigabytes), page);
    let result: unknown;
    const growth = await rssGrowth(async () => (result = await prepareAttachment(bomb, BOUNDS)));
    expect(result).toEqual({ ok: false, error: 'too-large' });
    expect(growth).toBeLessThan(RSS_ALLOWANCE);
    // The same stream, small and under the abbreviation a viewer also inflates (/Fl), is kept.
    const small = pdfWith(stream(`${dict} /Filter [/Fl /FlateDecode]`, deflateSync(zerosZlib(1))), page);
    expect((await prepareAttachment(small, BOUNDS)).ok).toBe(true);
  });

  it('a JBIG2 image behind Flate is decoded up to its codec only, within the budget', async () => {
    const image =
      '/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 1';
    const page = '/Resources << /XObject << /Im1 4 0 R >> >>';
    const bomb = pdfWith(
      stream(`${image} /Filter [/FlateDecode /FlateDecode /JBIG2Decode]`, gigabytes),
      page,
    );
    expect(await prepareAttachment(bomb, BOUNDS)).toEqual({ ok: false, error: 'too-large' });
    // Not decoded itself (the tablet has no JBIG2 decoder): kept as it came when what precedes fits.
    const jbig2 = pdfWith(
      stream(`${image} /Filter [/FlateDecode /JBIG2Decode]`, deflateSync(latin1('jbig2'))),
      page,
    );
    expect((await prepareAttachment(jbig2, BOUNDS)).ok).toBe(true);
    // A filter after an image codec would decode its pixels as bytes: no image a viewer draws.
    const after = pdfWith(
      stream(`${image} /Filter [/JBIG2Decode /FlateDecode]`, deflateSync(latin1('x'))),
      page,
    );
    expect(await prepareAttachment(after, BOUNDS)).toEqual({ ok: false, error: 'unreadable-pdf' });
  });

  it('lossless images decode to no more than their dictionaries declare, counted apart (PIXEL_FACTOR), never held', async () => {
    // `mib` MiB of gray samples: rows of 1023 samples and a predictor's tag byte.
    const image = (n: number, mib: number, data = zerosZlib(mib)): Buffer =>
      Buffer.concat([
        latin1(`${n} 0 obj\n`),
        stream(
          `/Type /XObject /Subtype /Image /Width 1023 /Height ${1024 * mib} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`,
          data,
        ),
        latin1('\nendobj\n'),
      ]);
    const pdf = (images: Buffer[]): Uint8Array =>
      pdfWith(
        Buffer.concat([latin1('<< >>\nendobj\n'), ...images, latin1('99 0 obj\n<< >>')]),
        `/Resources << /XObject << ${images.map((_, i) => `/Im${i} ${10 + i} 0 R`).join(' ')} >> >>`,
      );
    const each = 24;
    expect(each * MiB).toBeGreaterThan(DECODE_FACTOR * BOUNDS.maxPdfBytes);
    // One page of samples past the decode budget (a lossless scan) is kept.
    expect((await prepareAttachment(pdf([image(10, each)]), BOUNDS)).ok).toBe(true);
    // Three pass the pixel budget; counted, not held, on the way.
    expect(3 * each * MiB).toBeGreaterThan(PIXEL_FACTOR * BOUNDS.maxPdfBytes);
    let result: unknown;
    const three = pdf([image(10, each), image(11, each), image(12, each)]);
    const growth = await rssGrowth(async () => (result = await prepareAttachment(three, BOUNDS)));
    expect(result).toEqual({ ok: false, error: 'too-large' });
    expect(growth).toBeLessThan(RSS_ALLOWANCE);
    // Samples past what the dictionary declares: never drawn, only inflated by a viewer.
    expect(await prepareAttachment(pdf([image(10, 1, zerosZlib(2))]), BOUNDS)).toEqual({
      ok: false,
      error: 'too-large',
    });
    // An image whose dictionary does not say what it decodes to cannot be drawn.
    const noSpace = pdfWith(
      stream(
        '/Type /XObject /Subtype /Image /Width 8 /Height 8 /BitsPerComponent 8 /Filter /FlateDecode',
        deflateSync(Buffer.alloc(72)),
      ),
      '/Resources << /XObject << /Im1 4 0 R >> >>',
    );
    expect(await prepareAttachment(noSpace, BOUNDS)).toEqual({ ok: false, error: 'unreadable-pdf' });
  });

  it('object streams that each fit but together pass the budget are refused too', async () => {
    // Each inflates to just under the budget's half; three of them pass it.
    const each = (DECODE_FACTOR * BOUNDS.maxPdfBytes) / 2 - 1024;
    const objstm = (n: number): Buffer =>
      Buffer.concat([
        latin1(`${n} 0 obj\n`),
        stream(
          '/Type /ObjStm /N 1 /First 5 /Filter /FlateDecode',
          deflateSync(Buffer.concat([latin1(`${n + 1} 0 << >>`), Buffer.alloc(each - 10, 0x20)])),
        ),
        latin1('\nendobj\n'),
      ]);
    const three = pdfWith(
      Buffer.concat([
        latin1('<< >>\nendobj\n'),
        objstm(10),
        objstm(20),
        objstm(30),
        latin1('99 0 obj\n<< >>'),
      ]),
    );
    expect(await prepareAttachment(three, BOUNDS)).toEqual({ ok: false, error: 'too-large' });
    const one = pdfWith(Buffer.concat([latin1('<< >>\nendobj\n'), objstm(10), latin1('99 0 obj\n<< >>')]));
    expect((await prepareAttachment(one, BOUNDS)).ok).toBe(true);
  });
});

const FILTERS = [
  'FlateDecode',
  'LZWDecode',
  'ASCII85Decode',
  'ASCIIHexDecode',
  'RunLengthDecode',
  'Fl',
  'DCTDecode',
];
const names = (filters: readonly string[]): lib.PDFName[] => filters.map((f) => lib.PDFName.of(f));

/** The same data under each encoder (7.4.2 ASCIIHex, 7.4.4 Flate, 7.4.5 RunLength: runs of ≤ 128). */
const encoders: Record<string, (d: Buffer) => Buffer> = {
  FlateDecode: (d) => deflateSync(d),
  ASCIIHexDecode: (d) => latin1(`${d.toString('hex')}>`),
  RunLengthDecode: (d) => {
    const out: number[] = [];
    for (let i = 0; i < d.length; i += 128) {
      const run = d.subarray(i, i + 128);
      if (run.length > 1 && run.every((b) => b === run[0])) out.push(257 - run.length, run[0]!);
      else out.push(run.length - 1, ...run);
    }
    return Buffer.from([...out, 128]);
  },
};

describe('decodeBounded (property)', () => {
  it('random bytes under any chain of filters: never throws, never more than the budget or the cap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...FILTERS), { maxLength: 4 }),
        fc.uint8Array({ maxLength: 2000 }),
        fc.nat(5000),
        fc.nat(5000),
        (filters, data, budgetBytes, cap) => {
          const budget = { remaining: budgetBytes };
          const out = decodeBounded(lib, names(filters), [], data, budget, cap);
          expect(budget.remaining).toBeGreaterThanOrEqual(0);
          if (!out.ok) {
            expect(['too-large', 'unreadable-pdf']).toContain(out.error);
            return;
          }
          if (filters.length > 0)
            expect(out.value.byteLength).toBeLessThanOrEqual(Math.min(cap, budgetBytes));
          expect(budgetBytes - budget.remaining).toBeGreaterThanOrEqual(
            filters.length > 0 ? out.value.byteLength : 0,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('measureBounded counts what decodeBounded decodes, from the same budget, and refuses the same', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...Object.keys(encoders), 'Fl', 'RL'), { minLength: 1, maxLength: 3 }),
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.nat(60_000),
        fc.boolean(),
        async (chain, unit, copies, budgetBytes, damage) => {
          const full = (f: string): string => ({ Fl: 'FlateDecode', RL: 'RunLengthDecode' })[f] ?? f;
          let data: Buffer = Buffer.concat(Array.from({ length: copies }, () => unit));
          for (const filter of [...chain].reverse()) data = encoders[full(filter)]!(data);
          // Cut short or changed bytes: both must agree on those too.
          if (damage) data = data.subarray(0, Math.floor(data.length / 2));
          const decodeBudget = { remaining: budgetBytes };
          const measureBudget = { remaining: budgetBytes };
          const decoded = decodeBounded(lib, names(chain), [], data, decodeBudget);
          const measured = await measureBounded(lib, names(chain), [], data, measureBudget);
          expect(measured).toEqual(decoded.ok ? { ok: true, value: decoded.value.byteLength } : decoded);
          expect(measureBudget.remaining).toBe(decodeBudget.remaining);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a declared filter with random content yields what it encodes when it fits, too-large when it does not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(encoders)),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.nat(40_000),
        (filter, unit, copies, budgetBytes) => {
          const data = Buffer.concat(Array.from({ length: copies }, () => unit));
          const budget = { remaining: budgetBytes };
          const out = decodeBounded(lib, names([filter]), [], encoders[filter]!(data), budget);
          if (data.byteLength <= budgetBytes)
            expect(out.ok && Buffer.from(out.value).equals(data)).toBe(true);
          else expect(out).toEqual({ ok: false, error: 'too-large' });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a page content stream under a random chain of filters is refused (too-large) exactly when its stages decode past the budget', async () => {
    const bounds = { ...BOUNDS, maxPdfBytes: 8 * 1024 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...Object.keys(encoders)), { minLength: 1, maxLength: 3 }),
        fc.uint8Array({ minLength: 1, maxLength: 16 }),
        fc.integer({ min: 1, max: 6000 }),
        async (chain, unit, copies) => {
          // Decoding runs the chain front to back, so encoding runs it back to front; what each
          // stage decodes to is what the next encoder was given, and every stage counts.
          let encoded: Buffer = Buffer.concat(Array.from({ length: copies }, () => unit));
          let decoded = 0;
          for (const filter of [...chain].reverse()) {
            decoded += encoded.byteLength;
            encoded = encoders[filter]!(encoded);
          }
          const pdf = pdfWith(
            stream(`/Filter [${chain.map((f) => `/${f}`).join(' ')}]`, encoded),
            '/Contents 4 0 R',
          );
          const out = await prepareAttachment(pdf, bounds);
          if (decoded > DECODE_FACTOR * bounds.maxPdfBytes)
            expect(out).toEqual({ ok: false, error: 'too-large' });
          else if (pdf.byteLength < bounds.maxPdfBytes / 2) expect(out.ok).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a PDF whose object stream declares random filters over random bytes gets a result, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...FILTERS), { minLength: 1, maxLength: 3 }),
        fc.uint8Array({ maxLength: 4000 }),
        async (filters, data) => {
          const pdf = pdfWith(
            stream(
              `/Type /ObjStm /N 1 /First 4 /Filter [${filters.map((f) => `/${f}`).join(' ')}]`,
              Buffer.from(data),
            ),
          );
          const out = await prepareAttachment(pdf, BOUNDS);
          if (!out.ok) expect(['too-large', 'unreadable-pdf']).toContain(out.error);
        },
      ),
      { numRuns: 40 },
    );
  });
});
