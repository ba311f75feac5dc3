import { AsyncLocalStorage } from 'node:async_hooks';
import { constants, inflateRawSync } from 'node:zlib';
import type * as PdfLib from '@cantoo/pdf-lib';
import type { PDFName, PDFObject, PDFRawStream } from '@cantoo/pdf-lib';
import { err, ok, type Result } from '../../core/index.js';

type PdfLibrary = typeof PdfLib;

/**
 * What one PDF may decode in all, across its streams (the stages of a filter chain each count):
 * `DECODE_FACTOR` × the configured bound of the PDF sent. A few KiB of Flate inflate to gigabytes
 * (RFC 1951: a 258-byte match in 1 bit, ~1030:1 per pass, and chains multiply), LZW to ~1000:1 and
 * RunLength to 64:1, so the raw bytes bound nothing. What the rewrite decodes is the object and
 * cross-reference streams the parser reads (ISO 32000-1 7.5.7, 7.5.8) and the JPEGs behind another
 * filter (8.9.5.3); a JPEG is written back as it is, so all of them fit `maxBytes` in a PDF that can
 * be sent at all, and object streams hold the dictionaries and arrays the pages reach, which the
 * rewrite writes again (Flate object streams, text compressing ~3–5:1): in a scan, a monitor's ECG
 * export or a page printed by Chromium they are kilobytes (measured, docs/decisions.md: the fixtures
 * decode 0.01 % of the budget, a 300-page text PDF with 6,000 objects in object streams 2.5 %).
 * Four times the bound leaves room for a PDF that is almost all structure, and stays below the
 * upload bound (`maxUploadMiB`) the parser already has to hold.
 */
export const DECODE_FACTOR = 4;

/** The bytes one PDF may still decode; `refused` once a stream would pass them. */
export interface DecodeBudget {
  remaining: number;
  refused?: 'too-large';
}
export const decodeBudget = (maxBytes: number): DecodeBudget => ({ remaining: DECODE_FACTOR * maxBytes });

export type DecodeError = 'too-large' | 'unreadable-pdf';

/**
 * Flate (7.4.4: a zlib stream, RFC 1950) inflated by zlib, which stops at `maxOutputLength` before
 * allocating past it. The header is checked as the library's own decoder checks it (method 8,
 * FCHECK, no preset dictionary); the rest is inflated raw and with a sync flush, so, as the library
 * does, a missing or wrong Adler-32, a truncated stream or bytes after its last block (a /Length
 * that counts the end-of-line) are no error.
 */
const inflate = (data: Uint8Array, limit: number): Result<Uint8Array, DecodeError> => {
  const [cmf = 0, flg = 0] = data;
  if ((cmf & 0x0f) !== 8 || ((cmf << 8) + flg) % 31 !== 0 || (flg & 0x20) !== 0) return err('unreadable-pdf');
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

/** Asked of the library's decoders at a time, so that what they hold grows with what they decode. */
const CHUNK = 64 * 1024;

/** The filters the library decodes (its `decodeStream`: the full names of ISO 32000-1 Table 6). */
const LIBRARY_FILTERS = new Set(['ASCIIHexDecode', 'ASCII85Decode', 'LZWDecode', 'RunLengthDecode']);

const libraryDecode = (
  lib: PdfLibrary,
  filter: PDFName,
  parm: PDFObject | undefined,
  data: Uint8Array,
  limit: number,
): Result<Uint8Array, DecodeError> => {
  const dict = lib.PDFDict.withContext(lib.PDFContext.create());
  dict.set(lib.PDFName.of('Filter'), filter);
  if (parm !== undefined) dict.set(lib.PDFName.of('DecodeParms'), parm);
  try {
    const stream = lib.decodePDFRawStream(lib.PDFRawStream.of(dict, data));
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const part = stream.getBytes(CHUNK);
      parts.push(new Uint8Array(part));
      total += part.byteLength;
      if (total > limit) return err('too-large');
      if (part.byteLength < CHUNK) return ok(new Uint8Array(Buffer.concat(parts)));
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
 * deflate block at once and a block has no size limit (RFC 1951 3.2.3). Any other filter name (the
 * abbreviations of Table 6 included) is one the library cannot decode either.
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
    const name = filter.decodeText();
    const limit = Math.min(budget.remaining, i === filters.length - 1 ? cap : Number.POSITIVE_INFINITY);
    let out: Result<Uint8Array, DecodeError>;
    if (name === 'FlateDecode') out = inflate(data, limit);
    else if (LIBRARY_FILTERS.has(name)) out = libraryDecode(lib, filter, parms[i], data, limit);
    else out = err('unreadable-pdf');
    if (!out.ok) return out;
    budget.remaining -= out.value.byteLength;
    data = out.value;
  }
  return ok(data);
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
