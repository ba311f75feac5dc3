import { AsyncLocalStorage } from 'node:async_hooks';
import { constants, createInflateRaw, inflateRawSync } from 'node:zlib';
import type * as PdfLib from '@cantoo/pdf-lib';
import type { PDFDict, PDFName, PDFObject, PDFRawStream } from '@cantoo/pdf-lib';
import { err, ok, type Result } from '../../core/index.js';

type PdfLibrary = typeof PdfLib;

/**
 * What one PDF may decode in all, across its streams (the stages of a filter chain each count):
 * `DECODE_FACTOR` × the configured bound of the PDF sent. A few KiB of Flate inflate to gigabytes
 * (RFC 1951: a 258-byte match in 1 bit, ~1030:1 per pass, and chains multiply), LZW to ~1000:1 and
 * RunLength to 64:1, so the raw bytes bound nothing. What the rewrite decodes is the object and
 * cross-reference streams the parser reads (ISO 32000-1 7.5.7, 7.5.8), the JPEGs behind another
 * filter (8.9.5.3), and, only to check them (an ER's viewer inflates them), the other streams the
 * rewritten PDF carries: content streams, form XObjects, fonts, profiles (lossless images' samples
 * count apart, `PIXEL_FACTOR`). A JPEG is written back as it is, so all of them fit `maxBytes` in a
 * PDF that can be sent at all; object streams hold the dictionaries and arrays the pages reach,
 * which the rewrite writes again, and content streams and fonts are text and glyph outlines
 * (compressing ~3–5:1 with Flate): in a scan, a monitor's ECG export or a page printed by Chromium
 * they are kilobytes (measured, docs/decisions.md: the fixtures decode 0.01 % of the budget, a page
 * printed by Chromium 0.32 %, a 300-page text PDF with 6,000 objects in object streams 2.5 %). Four
 * times the bound leaves room for a PDF that is almost all structure, and stays below the upload
 * bound (`maxUploadMiB`) the parser already has to hold.
 */
export const DECODE_FACTOR = 4;

/** The bytes one PDF may still decode; `refused` once a stream would pass them. */
export interface DecodeBudget {
  remaining: number;
  refused?: 'too-large';
}
export const decodeBudget = (maxBytes: number): DecodeBudget => ({ remaining: DECODE_FACTOR * maxBytes });

/**
 * What the images of one PDF whose own filters give their samples (Flate, LZW, RunLength: lossless
 * scans, screenshots, a monitor's ECG trace) may decode to in all: `PIXEL_FACTOR` × the bound of the
 * PDF sent, counted apart from `DECODE_FACTOR`'s budget because pixels are what an image is, as a
 * JPEG's are, and compress far better than structure: one A4 page of lossless RGB at 300 dpi is
 * 26 MB of samples (2480 × 3508 × 3) in a few hundred KiB, past 4 × the default bound on its own.
 * Each image decodes to no more than its dictionary declares (`imageDataBytes`), and is counted,
 * never held (`measureBounded`), so this bounds the tablet's time (zlib counts past 256 MiB in
 * 0.16–0.25 s, measured in docs/decisions.md) and what the PDF's images inflate to in a viewer (not
 * what their /Width and /Height make it allocate). 64 × the default bound is 256 MiB: ten such pages.
 */
export const PIXEL_FACTOR = 64;
export const pixelBudget = (maxBytes: number): DecodeBudget => ({ remaining: PIXEL_FACTOR * maxBytes });

export type DecodeError = 'too-large' | 'unreadable-pdf';

/**
 * Flate (7.4.4: a zlib stream, RFC 1950) inflated by zlib, which stops at `maxOutputLength` before
 * allocating past it. The header is checked as the library's own decoder checks it (method 8,
 * FCHECK, no preset dictionary); the rest is inflated raw and with a sync flush, so, as the library
 * does, a missing or wrong Adler-32, a truncated stream or bytes after its last block (a /Length
 * that counts the end-of-line) are no error.
 */
const zlibHeader = (data: Uint8Array): boolean => {
  const [cmf = 0, flg = 0] = data;
  return (cmf & 0x0f) === 8 && ((cmf << 8) + flg) % 31 === 0 && (flg & 0x20) === 0;
};
const inflate = (data: Uint8Array, limit: number): Result<Uint8Array, DecodeError> => {
  if (!zlibHeader(data)) return err('unreadable-pdf');
  try {
    const out = inflateRawSync(data.subarray(2), {
      maxOutputLength: Math.max(1, limit),
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    return out.byteLength > limit
      ? err('too-large')
      : ok(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
  } catch (e) {
    return err((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : 'unreadable-pdf');
  }
};

/** Bytes asked of a decoder at a time (the library's, and zlib's stream in `inflateCount`). */
const CHUNK = 64 * 1024;

/**
 * Flate as `inflate` reads it, counted as zlib hands it out (its stream, on the thread pool, `CHUNK`
 * bytes at a time) and dropped: what it holds does not grow with what the data inflates to. Stops, and
 * `too-large`, once past `limit`.
 */
const inflateCount = (data: Uint8Array, limit: number): Promise<Result<number, DecodeError>> => {
  if (!zlibHeader(data)) return Promise.resolve(err('unreadable-pdf'));
  return new Promise((resolve) => {
    const zlib = createInflateRaw({ finishFlush: constants.Z_SYNC_FLUSH, chunkSize: CHUNK });
    let total = 0;
    zlib.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total <= limit) return;
      resolve(err('too-large'));
      zlib.destroy();
    });
    zlib.on('error', () => resolve(err('unreadable-pdf')));
    zlib.on('end', () => resolve(ok(total)));
    zlib.end(data.subarray(2));
  });
};

/** The filters the library decodes (its `decodeStream`: the full names of ISO 32000-1 Table 6). */
const LIBRARY_FILTERS = new Set(['ASCIIHexDecode', 'ASCII85Decode', 'LZWDecode', 'RunLengthDecode']);

/**
 * The abbreviations of Table 6 (8.9.7 Table 94: meant for inline images, accepted by viewers on any
 * stream, e.g. pdf.js), decoded as the filters they name: a viewer inflates a stream under /Fl as
 * it does under /FlateDecode, so the tablet bounds it the same way.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  AHx: 'ASCIIHexDecode',
  A85: 'ASCII85Decode',
  LZW: 'LZWDecode',
  Fl: 'FlateDecode',
  RL: 'RunLengthDecode',
};

/** The library's decoder's output, handed to `keep` a chunk at a time; its length, or too-large past `limit`. */
const libraryDecode = (
  lib: PdfLibrary,
  filter: PDFName,
  parm: PDFObject | undefined,
  data: Uint8Array,
  limit: number,
  keep: (part: Uint8Array | Uint8ClampedArray) => void,
): Result<number, DecodeError> => {
  const dict = lib.PDFDict.withContext(lib.PDFContext.create());
  dict.set(lib.PDFName.of('Filter'), filter);
  if (parm !== undefined) dict.set(lib.PDFName.of('DecodeParms'), parm);
  try {
    const stream = lib.decodePDFRawStream(lib.PDFRawStream.of(dict, data));
    let total = 0;
    for (;;) {
      const part = stream.getBytes(CHUNK);
      total += part.byteLength;
      if (total > limit) return err('too-large');
      keep(part);
      if (part.byteLength < CHUNK) return ok(total);
    }
  } catch {
    return err('unreadable-pdf');
  }
};

/**
 * A stream's data through its filters (7.4), never more than `budget.remaining` bytes out of any
 * stage (at most `cap` from the last), each stage's output taken from the budget. Flate is inflated
 * by zlib (`inflate`); the other filters by the library's decoders, asked for one byte past the
 * limit: each of their steps writes a bounded amount (LZW: 512 codes of ≤ 4096 bytes; RunLength: one
 * run of ≤ 128; ASCIIHex and ASCII85 shrink), unlike its Flate decoder, which writes a whole
 * deflate block at once and a block has no size limit (RFC 1951 3.2.3). An abbreviation is decoded
 * as the filter it names (`ABBREVIATIONS`); any other filter name (the image codecs: DCT, JPX,
 * JBIG2, CCITT) is `unreadable-pdf` here.
 */
export const decodeBounded = (
  lib: PdfLibrary,
  filters: readonly PDFName[],
  parms: readonly (PDFObject | undefined)[],
  contents: Uint8Array,
  budget: DecodeBudget,
  cap = Number.POSITIVE_INFINITY,
): Result<Uint8Array, DecodeError> => {
  let data = contents;
  for (const [i, filter] of filters.entries()) {
    const name = ABBREVIATIONS[filter.decodeText()] ?? filter.decodeText();
    const limit = Math.min(budget.remaining, i === filters.length - 1 ? cap : Number.POSITIVE_INFINITY);
    let out: Result<Uint8Array, DecodeError>;
    if (name === 'FlateDecode') out = inflate(data, limit);
    else if (LIBRARY_FILTERS.has(name)) {
      const parts: Uint8Array[] = [];
      const decoded = libraryDecode(lib, lib.PDFName.of(name), parms[i], data, limit, (part) =>
        parts.push(new Uint8Array(part)),
      );
      out = decoded.ok ? ok(new Uint8Array(Buffer.concat(parts))) : decoded;
    } else out = err('unreadable-pdf');
    if (!out.ok) return out;
    budget.remaining -= out.value.byteLength;
    data = out.value;
  }
  return ok(data);
};

/**
 * How many bytes a stream's data decodes to through its filters (none: 0, nothing is decoded). The
 * stages but the last are decoded as `decodeBounded` decodes them, within `budget`; the last is
 * counted as it comes out and dropped (`inflateCount`; the library's decoders 64 KiB at a time),
 * never past `last.remaining` nor `cap`, and taken from `last` (`budget` unless given): what the
 * rewrite only checks is never held whole.
 */
export const measureBounded = async (
  lib: PdfLibrary,
  filters: readonly PDFName[],
  parms: readonly (PDFObject | undefined)[],
  contents: Uint8Array,
  budget: DecodeBudget,
  last: DecodeBudget = budget,
  cap = Number.POSITIVE_INFINITY,
): Promise<Result<number, DecodeError>> => {
  const final = filters.at(-1);
  if (final === undefined) return ok(0);
  const lead = decodeBounded(lib, filters.slice(0, -1), parms.slice(0, -1), contents, budget);
  if (!lead.ok) return lead;
  const name = ABBREVIATIONS[final.decodeText()] ?? final.decodeText();
  const limit = Math.min(last.remaining, cap);
  let out: Result<number, DecodeError>;
  if (name === 'FlateDecode') out = await inflateCount(lead.value, limit);
  else if (LIBRARY_FILTERS.has(name))
    out = libraryDecode(lib, lib.PDFName.of(name), parms[filters.length - 1], lead.value, limit, () => {});
  else out = err('unreadable-pdf');
  if (out.ok) last.remaining -= out.value;
  return out;
};

/** Colour components of the device spaces (8.6.4) and of the families whose count is fixed (8.6.5, 8.6.6). */
const COMPONENTS: Readonly<Record<string, number>> = {
  DeviceGray: 1,
  DeviceRGB: 3,
  DeviceCMYK: 4,
  CalGray: 1,
  CalRGB: 3,
  Lab: 3,
  Indexed: 1,
  Separation: 1,
};

/** How many colour components an image's samples have in `space` (8.6.3); undefined if it does not say. */
const components = (lib: PdfLibrary, space: PDFObject | undefined): number | undefined => {
  if (space instanceof lib.PDFName) return COMPONENTS[space.decodeText()];
  if (!(space instanceof lib.PDFArray)) return undefined;
  const family = space.lookup(0);
  if (!(family instanceof lib.PDFName)) return undefined;
  const of = space.lookup(1);
  switch (family.decodeText()) {
    case 'ICCBased': {
      // 8.6.5.5: /N, the profile's number of components (1, 3 or 4).
      const n = of instanceof lib.PDFRawStream ? of.dict.lookup(lib.PDFName.of('N')) : undefined;
      return n instanceof lib.PDFNumber && [1, 3, 4].includes(n.asNumber()) ? n.asNumber() : undefined;
    }
    case 'DeviceN':
      // 8.6.6.5: one component per colourant name.
      return of instanceof lib.PDFArray && of.size() > 0 ? of.size() : undefined;
    default:
      return COMPONENTS[family.decodeText()];
  }
};

/**
 * The bytes an image XObject's data decodes to (8.9.5 Table 89, 8.9.3): /Height rows of /Width
 * samples, /BitsPerComponent bits for each colour component (an /ImageMask: one bit), each row
 * starting on a byte, plus one byte a row for a PNG predictor's tag (7.4.4.4, Table 8), which the
 * filters' output still carries. Undefined if the dictionary does not say (a viewer cannot draw it).
 */
export const imageDataBytes = (lib: PdfLibrary, dict: PDFDict): number | undefined => {
  const positive = (key: string): number | undefined => {
    const n = dict.lookup(lib.PDFName.of(key));
    return n instanceof lib.PDFNumber && Number.isInteger(n.asNumber()) && n.asNumber() > 0
      ? n.asNumber()
      : undefined;
  };
  const mask = dict.lookup(lib.PDFName.of('ImageMask'));
  const isMask = mask instanceof lib.PDFBool && mask.asBoolean();
  const [width, height] = [positive('Width'), positive('Height')];
  const bits = isMask ? 1 : positive('BitsPerComponent');
  const n = isMask ? 1 : components(lib, dict.lookup(lib.PDFName.of('ColorSpace')));
  if (width === undefined || height === undefined || bits === undefined || n === undefined) return undefined;
  return height * (Math.ceil((width * n * bits) / 8) + 1);
};

/**
 * A stream's filters and their parameters, as the library's `decodePDFRawStream` reads them (7.3.8.2
 * Table 5: /Filter a name or an array of names, /DecodeParms its like); undefined if /Filter is
 * anything else (the library would throw).
 */
export const streamFilters = (
  lib: PdfLibrary,
  stream: PDFRawStream,
): { filters: PDFName[]; parms: (PDFObject | undefined)[] } | undefined => {
  const f = stream.dict.lookup(lib.PDFName.of('Filter'));
  const p = stream.dict.lookup(lib.PDFName.of('DecodeParms'));
  if (f === undefined) return { filters: [], parms: [] };
  if (f instanceof lib.PDFName) return { filters: [f], parms: [p] };
  if (!(f instanceof lib.PDFArray)) return undefined;
  const filters = f.asArray().map((_, i) => f.lookup(i));
  if (!filters.every((x): x is PDFName => x instanceof lib.PDFName)) return undefined;
  return { filters, parms: filters.map((_, i) => (p instanceof lib.PDFArray ? p.lookup(i) : undefined)) };
};

const budgets = new AsyncLocalStorage<DecodeBudget>();

/**
 * The one place the library decodes while it parses: the object streams and cross-reference
 * streams it expands (its PDFParser hands each to `PDFObjectStreamParser.forStream` or
 * `PDFXRefStreamParser.forStream`, which decode it whole with no bound). Both are replaced, once,
 * by ones that decode the stream here, within the budget of the parse they run in (`withBudget`),
 * and hand the library the decoded bytes with no /Filter left, so its own decoders never run on
 * them. A stream past the budget is not decoded: the budget is marked refused and the parser, which
 * skips an object it cannot read, goes on without it; `rewritePdf` then refuses the PDF. Outside a
 * budget (a test reading a rewritten PDF back) the library's own parsers run.
 */
export const boundLibrary = (lib: PdfLibrary): PdfLibrary => {
  const decoded = (raw: PDFRawStream): PDFRawStream | undefined => {
    const budget = budgets.getStore();
    if (budget === undefined) return undefined;
    if (budget.refused !== undefined) throw new Error('the PDF is past its decode bound');
    const chain = streamFilters(lib, raw);
    if (chain === undefined) throw new Error('a stream /Filter is a name or an array (7.3.8.2)');
    const out = decodeBounded(lib, chain.filters, chain.parms, raw.contents, budget);
    if (!out.ok) {
      if (out.error === 'too-large') budget.refused = 'too-large';
      throw new Error(`a stream the parser needs did not decode: ${out.error}`);
    }
    const dict = raw.dict.clone();
    dict.delete(lib.PDFName.of('Filter'));
    dict.delete(lib.PDFName.of('DecodeParms'));
    return lib.PDFRawStream.of(dict, out.value);
  };
  const objectStreams = lib.PDFObjectStreamParser.forStream;
  lib.PDFObjectStreamParser.forStream = (raw, shouldWaitForTick) =>
    objectStreams(decoded(raw) ?? raw, shouldWaitForTick);
  const xrefStreams = lib.PDFXRefStreamParser.forStream;
  lib.PDFXRefStreamParser.forStream = (raw) => xrefStreams(decoded(raw) ?? raw);
  return lib;
};

/** Runs `parse` (the library's `PDFDocument.load`) with its stream decoding within `budget`. */
export const withBudget = <T>(budget: DecodeBudget, parse: () => Promise<T>): Promise<T> =>
  budgets.run(budget, parse);
