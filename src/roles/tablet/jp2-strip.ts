import { err, ok, type Result } from '../../core/index.js';

export const JP2_ERRORS = ['not-jpeg2000', 'bad-box', 'bad-marker', 'truncated', 'unsupported-box'] as const;
export type Jp2Error = (typeof JP2_ERRORS)[number];

/** The JPEG 2000 signature box (ISO/IEC 15444-1 I.5.1): length 12, 'jP  ', then <CR><LF><0x87><LF>. */
const SIGNATURE = [0, 0, 0, 12, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];

/**
 * Boxes copied whole: the signature, file type and reader requirements (15444-2 M.11.1), and the
 * headers' image description, none of which holds more than numbers, code points of a colour
 * space and an ICC profile (I.5.3.3; kept as a JPEG's APP2 ICC is, jpeg-strip.ts): image header,
 * bits per component, colour specification, palette, component mapping, channel definition,
 * resolution (capture, display), colour group, opacity, codestream registration, composition.
 */
const KEPT = new Set([
  'jP  ',
  'ftyp',
  'rreq',
  'ihdr',
  'bpcc',
  'colr',
  'pclr',
  'cmap',
  'cdef',
  'resc',
  'resd',
  'opct',
  'creg',
  'comp',
]);

/** Superboxes whose children are walked by the same rules: JP2 header, codestream header, layer header, resolution, colour group. */
const WALKED = new Set(['jp2h', 'jpch', 'jplh', 'res ', 'cgrp']);

/**
 * Boxes no decoder needs, dropped wherever they are: XML (15444-1 I.7.1: XMP, GML with a position),
 * UUID (I.7.2: XMP under BE7ACFCB-97A9-42E8-9C71-999491E3AFAC, GeoJP2's position, vendors' EXIF),
 * UUID info with its list and URL (I.7.3), intellectual property (I.6), and 15444-2's association,
 * label, number list, free space (whatever bytes were left there), ROI description, desired
 * reproductions, graphics technology output and digital signature (of the bytes as they came).
 */
const DROPPED = new Set([
  'xml ',
  'uuid',
  'uinf',
  'ulst',
  'url ',
  'jp2i',
  'asoc',
  'lbl ',
  'nlst',
  'free',
  'roid',
  'drep',
  'gtso',
  'chck',
]);

/** How deep superboxes may nest before a file is refused. */
const MAX_DEPTH = 3;

/** The contiguous codestream box (I.5.4): its COM segments are cut out (`stripCodestreamComments`). */
const CODESTREAM = 'jp2c';

const u32 = (b: Uint8Array, at: number): number =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const typeAt = (b: Uint8Array, at: number): string => String.fromCharCode(...b.subarray(at, at + 4));

/** A box header as I.4 writes it: LBox and TBox, with XLBox (LBox = 1) when it does not fit 32 bits. */
const boxHeader = (type: string, contentLength: number): Uint8Array => {
  const long = contentLength + 8 > 0xffffffff;
  const h = new Uint8Array(long ? 16 : 8);
  const view = new DataView(h.buffer);
  view.setUint32(0, long ? 1 : contentLength + 8);
  for (let k = 0; k < 4; k++) h[4 + k] = type.charCodeAt(k);
  if (long) view.setBigUint64(8, BigInt(contentLength + 16));
  return h;
};

/**
 * The boxes from `start` to `end` (I.4: LBox, TBox, XLBox when LBox is 1; LBox 0 runs to the end
 * of what holds it, so only the last box may have it), each kept, walked, stripped or dropped, and
 * each written with its length (none left at LBox 0).
 * A box of a type that is none of these (a codestream kept in fragments elsewhere, 15444-2's
 * fragment table and data reference, a type no part of the standard defines) is refused: what the
 * tablet does not understand is never passed on as it came.
 */
const walkBoxes = (b: Uint8Array, start: number, end: number, depth = 0): Result<Uint8Array[], Jp2Error> => {
  // The standard nests three deep at most (jplh › cgrp › colr, jp2h › res › resc).
  if (depth > MAX_DEPTH) return err('bad-box');
  const parts: Uint8Array[] = [];
  let i = start;
  while (i < end) {
    if (end - i < 8) return err('truncated');
    const lbox = u32(b, i);
    const type = typeAt(b, i + 4);
    let header = 8;
    let boxEnd: number;
    if (lbox === 1) {
      if (end - i < 16) return err('truncated');
      const high = u32(b, i + 8);
      if (high > 0x1fffff) return err('bad-box');
      boxEnd = i + high * 2 ** 32 + u32(b, i + 12);
      header = 16;
    } else boxEnd = lbox === 0 ? end : i + lbox;
    if (boxEnd < i + header) return err('bad-box');
    if (boxEnd > end) return err('truncated');
    if (KEPT.has(type))
      parts.push(
        ...(lbox === 0
          ? [boxHeader(type, boxEnd - i - header), b.subarray(i + header, boxEnd)]
          : [b.subarray(i, boxEnd)]),
      );
    else if (WALKED.has(type)) {
      const children = walkBoxes(b, i + header, boxEnd, depth + 1);
      if (!children.ok) return children;
      parts.push(
        boxHeader(
          type,
          children.value.reduce((n, p) => n + p.length, 0),
        ),
        ...children.value,
      );
    } else if (type === CODESTREAM) {
      const codestream = stripCodestreamComments(b.subarray(i + header, boxEnd));
      if (!codestream.ok) return codestream;
      parts.push(boxHeader(type, codestream.value.length), codestream.value);
    } else if (!DROPPED.has(type)) return err('unsupported-box');
    i = boxEnd;
  }
  return ok(parts);
};

// Markers, ISO/IEC 15444-1 Table A.2.
const SOC = 0xff4f;
const SOT = 0xff90;
const SOD = 0xff93;
const EOC = 0xffd9;
const COM = 0xff64;
const TLM = 0xff55;
/** A marker that starts a segment with a length inside a header (A.1.1: 0xFF30–0xFF3F stand alone). */
const isSegment = (m: number): boolean => m >= 0xff40 && m !== SOC && m !== SOT && m !== SOD && m !== EOC;

/**
 * A codestream (Annex A) without its comment segments (A.9.2 COM: free text, often the encoder's
 * name and version, which may be a device's): walked marker segment by marker segment through the
 * main header (A.4: every segment after SOC has its length Lmar) and each tile-part's header (SOT,
 * whose Psot counts the tile-part's bytes from its SOT to its end, 0 for the last to run to EOC,
 * A.4.2; then segments to SOD), the coded data copied as it is. A tile-part that loses a COM gets
 * its Psot lowered by as much; the main header's TLM segments (A.7.1, an optional index of the
 * tile-parts' lengths) would then be wrong and go too. Bytes after EOC are not copied.
 */
export const stripCodestreamComments = (b: Uint8Array): Result<Uint8Array, Jp2Error> => {
  if (b.length < 4 || u16(b, 0) !== SOC) return err('not-jpeg2000');
  const main: { at: number; end: number; marker: number }[] = [];
  let i = 2;
  // The main header: marker segments up to the first SOT.
  for (;;) {
    if (i + 4 > b.length) return err('truncated');
    const marker = u16(b, i);
    if (marker === SOT) break;
    if (!isSegment(marker)) return err('bad-marker');
    const length = u16(b, i + 2);
    if (length < 2) return err('bad-marker');
    const end = i + 2 + length;
    if (end > b.length) return err('truncated');
    main.push({ at: i, end, marker });
    i = end;
  }
  const tileParts: Uint8Array[] = [];
  let shortened = false;
  // Tile-parts: SOT, its header's segments, SOD, its data; then the next SOT or EOC.
  for (;;) {
    if (i + 2 > b.length) return err('truncated');
    const marker = u16(b, i);
    if (marker === EOC) {
      tileParts.push(b.subarray(i, i + 2));
      break;
    }
    if (marker !== SOT) return err('bad-marker');
    if (i + 12 > b.length) return err('truncated');
    if (u16(b, i + 2) !== 10) return err('bad-marker');
    const start = i;
    const psot = u32(b, i + 6);
    // A copy (a Buffer's `slice` would be a view of the caller's bytes), so Psot can be rewritten.
    const sot = Uint8Array.from(b.subarray(i, i + 12));
    const header: Uint8Array[] = [];
    let removed = 0;
    i += 12;
    for (;;) {
      if (i + 2 > b.length) return err('truncated');
      const m = u16(b, i);
      if (m === SOD) break;
      if (!isSegment(m)) return err('bad-marker');
      if (i + 4 > b.length) return err('truncated');
      const length = u16(b, i + 2);
      if (length < 2) return err('bad-marker');
      const end = i + 2 + length;
      if (end > b.length) return err('truncated');
      if (m === COM) removed += end - i;
      else header.push(b.subarray(i, end));
      i = end;
    }
    // The last tile-part may run to EOC (Psot 0); a codestream cut short of its EOC ends there.
    const hasEoc = b.length >= 2 && u16(b, b.length - 2) === EOC;
    const end = psot === 0 ? (hasEoc ? b.length - 2 : b.length) : start + psot;
    if (end < i + 2 || end > b.length) return err(end > b.length ? 'truncated' : 'bad-marker');
    if (removed > 0 && psot !== 0) {
      new DataView(sot.buffer).setUint32(6, psot - removed);
      shortened = true;
    }
    tileParts.push(sot, ...header, b.subarray(i, end));
    i = end;
    if (psot === 0 && !hasEoc) break;
  }
  const kept = main
    .filter((s) => s.marker !== COM && !(shortened && s.marker === TLM))
    .map((s) => b.subarray(s.at, s.end));
  return ok(Buffer.concat([b.subarray(0, 2), ...kept, ...tileParts]));
};

/**
 * The JPEG 2000 image (a PDF's JPXDecode stream, ISO 32000-1 7.4.9: a JP2 or JPX file, or a bare
 * codestream) with what no decoder needs cut out: the file's boxes walked as 15444-1 Annex I lays
 * them out (`walkBoxes`), metadata boxes dropped, the codestream's comments cut out
 * (`stripCodestreamComments`). What does not parse as that structure is an error, never passed on
 * as it came.
 */
export const stripJpeg2000Metadata = (b: Uint8Array): Result<Uint8Array, Jp2Error> => {
  if (b.length >= 2 && u16(b, 0) === SOC) return stripCodestreamComments(b);
  if (b.length < SIGNATURE.length || SIGNATURE.some((x, k) => b[k] !== x)) return err('not-jpeg2000');
  const boxes = walkBoxes(b, 0, b.length);
  return boxes.ok ? ok(Buffer.concat(boxes.value)) : boxes;
};
