import { deflateSync } from 'node:zlib';
import type * as PdfLib from '@cantoo/pdf-lib';
import type { PDFRawStream } from '@cantoo/pdf-lib';
import { err, ok, type Result } from '../../core/index.js';
import { stripJpeg2000Metadata } from './jp2-strip.js';
import { stripJpegMetadata } from './jpeg-strip.js';
import { stripInlineJpegs } from './pdf-inline-images.js';
import {
  decodeBounded,
  imageDataBytes,
  measureBounded,
  streamFilters,
  type DecodeBudget,
  type DecodeError,
} from './pdf-decode.js';

type PdfLibrary = typeof PdfLib;

/**
 * The standard filters (ISO 32000-1 Table 6) and the abbreviations readers also accept. A stream
 * with any other filter cannot be read, by a viewer or by this rewrite, so it could hide anything:
 * its PDF is refused.
 */
const FILTERS = new Set([
  'ASCIIHexDecode',
  'ASCII85Decode',
  'LZWDecode',
  'FlateDecode',
  'RunLengthDecode',
  'CCITTFaxDecode',
  'JBIG2Decode',
  'DCTDecode',
  'JPXDecode',
  'AHx',
  'A85',
  'LZW',
  'Fl',
  'RL',
  'CCF',
  'DCT',
]);

/**
 * The image codecs of Table 6 (and the abbreviations of the two that have one): their data is an
 * image file, not bytes a viewer reads whole, and the tablet decodes none of them. What they
 * decode to is the image's pixels, as many as its dictionary (and the codec's own header) declares,
 * which a viewer allocates for any image of that size however it is compressed.
 */
const IMAGE_CODECS = new Set(['DCTDecode', 'DCT', 'JPXDecode', 'JBIG2Decode', 'CCITTFaxDecode', 'CCF']);

/**
 * The image codecs whose data is an image file with metadata of its own, by the filter's full name
 * (written back under it), and what cuts that metadata out: a DCTDecode stream is a JPEG file
 * (8.9.5.3), a JPXDecode stream a JPEG 2000 file or codestream (7.4.9). CCITT data is a bare coded
 * bitmap; JBIG2 segments (ITU-T T.88) are not parsed, so a comment in an extension segment stays
 * (docs/decisions.md).
 */
const STRIPPED: ReadonlyMap<
  string,
  { readonly filter: string; readonly strip: (b: Uint8Array) => Result<Uint8Array, unknown> }
> = new Map([
  ['DCTDecode', { filter: 'DCTDecode', strip: stripJpegMetadata }],
  ['DCT', { filter: 'DCTDecode', strip: stripJpegMetadata }],
  ['JPXDecode', { filter: 'JPXDecode', strip: stripJpeg2000Metadata }],
]);

/** What one PDF may decode: its structure and streams (`decodeBudget`), its images' samples (`pixelBudget`). */
export interface Budgets {
  readonly decode: DecodeBudget;
  readonly pixels: DecodeBudget;
}

/**
 * Checks one stream the rewritten PDF carries, and strips it if it is a JPEG or JPEG 2000 image or a
 * content stream (`content`) with inline JPEGs. Every filter stage the tablet can decode (Flate, LZW,
 * RunLength, ASCIIHex, ASCII85: all of a content stream's, a form XObject's, a font file's, a Flate
 * image's chain; those before the codec of a DCT, JPX, JBIG2 or CCITT image) is decoded once, within
 * the PDF's budgets (`measureBounded`: the last stage counted, not held; a content stream held whole,
 * as its tokens are read, `cleanContent`), so a decompression bomb the ER's viewer would inflate is
 * refused, `too-large`, on the tablet, and the stream is written back as it came. An image whose own filters give its samples
 * decodes to no more than its dictionary declares (`imageDataBytes`), from the pixel budget; the
 * stages before its last, and every other stream, from the decode budget. A codec followed by
 * another filter (its pixels decoded as bytes) is no image a viewer draws: `unreadable-pdf`. A
 * DCTDecode stream loses its JPEG's metadata segments (`stripJpegMetadata`), a JPXDecode stream its
 * JPEG 2000 metadata boxes and comments (`stripJpeg2000Metadata`); filters before either (e.g.
 * [/FlateDecode /DCTDecode]) are decoded no further than `maxBytes`, and the stream is written back
 * under its codec alone. One whose image does not parse is `unreadable-pdf`.
 */
export const cleanStream = async (
  lib: PdfLibrary,
  stream: PDFRawStream,
  maxBytes: number,
  budgets: Budgets,
  content: boolean,
): Promise<Result<void, DecodeError>> => {
  const dict = stream.dict;
  const chain = streamFilters(lib, stream);
  if (chain === undefined || !chain.filters.every((f) => FILTERS.has(f.decodeText())))
    return err('unreadable-pdf');
  const { filters, parms } = chain;
  const codec = filters.findIndex((f) => IMAGE_CODECS.has(f.decodeText()));
  if (codec !== -1 && codec !== filters.length - 1) return err('unreadable-pdf');
  if (codec === -1 && content) return cleanContent(lib, stream, filters, parms, budgets.decode);
  if (codec === -1) {
    const image = dict.lookup(lib.PDFName.of('Subtype')) === lib.PDFName.of('Image');
    const samples = image && filters.length > 0 ? imageDataBytes(lib, dict) : undefined;
    if (image && filters.length > 0 && samples === undefined) return err('unreadable-pdf');
    const measured = await measureBounded(
      lib,
      filters,
      parms,
      stream.getContents(),
      budgets.decode,
      image ? budgets.pixels : budgets.decode,
      samples,
    );
    return measured.ok ? ok(undefined) : measured;
  }
  const before = { filters: filters.slice(0, codec), parms: parms.slice(0, codec) };
  const image = STRIPPED.get(filters[codec]!.decodeText());
  if (image === undefined) {
    const measured = await measureBounded(
      lib,
      before.filters,
      before.parms,
      stream.getContents(),
      budgets.decode,
    );
    return measured.ok ? ok(undefined) : measured;
  }
  const data = decodeBounded(
    lib,
    before.filters,
    before.parms,
    stream.getContents(),
    budgets.decode,
    maxBytes,
  );
  if (!data.ok) return data;
  if (codec > 0) {
    dict.set(lib.PDFName.of('Filter'), lib.PDFName.of(image.filter));
    const last = parms.at(-1);
    if (last === undefined) dict.delete(lib.PDFName.of('DecodeParms'));
    else dict.set(lib.PDFName.of('DecodeParms'), last);
  }
  const stripped = image.strip(data.value);
  if (!stripped.ok) return err('unreadable-pdf');
  stream.updateContents(stripped.value);
  return ok(undefined);
};

/**
 * A content stream (a page's, a form's, a tiling pattern's, a Type 3 glyph's: 7.8.2), decoded within
 * the budget, with its inline JPEGs stripped (`stripInlineJpegs`); written back Flate-encoded only
 * if one was, otherwise left as it came. One whose inline JPEG cannot be stripped is `unreadable-pdf`.
 */
const cleanContent = (
  lib: PdfLibrary,
  stream: PDFRawStream,
  filters: readonly PdfLib.PDFName[],
  parms: readonly (PdfLib.PDFObject | undefined)[],
  budget: DecodeBudget,
): Result<void, DecodeError> => {
  const decoded = decodeBounded(lib, filters, parms, stream.getContents(), budget);
  if (!decoded.ok) return decoded;
  const stripped = stripInlineJpegs(decoded.value);
  if (!stripped.ok) return err('unreadable-pdf');
  if (stripped.value === undefined) return ok(undefined);
  stream.updateContents(deflateSync(stripped.value));
  stream.dict.set(lib.PDFName.of('Filter'), lib.PDFName.of('FlateDecode'));
  stream.dict.delete(lib.PDFName.of('DecodeParms'));
  return ok(undefined);
};
