import { err, ok, type Result } from '../../core/index.js';
import { stripLeadingJpeg } from './jpeg-strip.js';

/** Why a content stream's inline JPEG could not be stripped: its PDF is refused (`unreadable-pdf`). */
export type InlineImageError = 'inline-jpeg-unreadable' | 'inline-jpeg-filtered';

// Character classes of ISO 32000-1 7.2.2: white-space (Table 1) and delimiters (Table 2).
const WHITE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const isRegular = (c: number | undefined): boolean => c !== undefined && !WHITE.has(c) && !DELIMITERS.has(c);

/** Inline image keys and values of 8.9.7 Tables 92–94, abbreviated or not. */
const FILTER_KEYS = new Set(['F', 'Filter']);
const LENGTH_KEYS = new Set(['L', 'Length']);
const DCT = new Set(['DCT', 'DCTDecode']);
const COMPONENTS: Readonly<Record<string, number>> = {
  G: 1,
  DeviceGray: 1,
  RGB: 3,
  DeviceRGB: 3,
  CMYK: 4,
  DeviceCMYK: 4,
  I: 1,
  Indexed: 1,
};

interface Token {
  readonly start: number;
  readonly end: number;
}

const textOf = (b: Uint8Array, t: Token): string =>
  Buffer.from(b.subarray(t.start, t.end)).toString('latin1');
/** Whether the token is the two-letter keyword `k` (BI, ID, EI), without making a string of every token. */
const isKeyword = (b: Uint8Array, t: Token | undefined, k: string): boolean =>
  t !== undefined &&
  t.end - t.start === 2 &&
  b[t.start] === k.charCodeAt(0) &&
  b[t.start + 1] === k.charCodeAt(1);

/**
 * One token of a content stream (7.2, 7.8.2) from `i`, past white-space and comments: a name, a
 * number or operator, a string (literal, with its nested parentheses and escapes; hexadecimal), or
 * a delimiter; undefined at the end. Lenient as viewers are: an unterminated string runs to the end.
 */
const nextToken = (b: Uint8Array, from: number): Token | undefined => {
  let i = from;
  for (;;) {
    while (i < b.length && WHITE.has(b[i]!)) i++;
    if (b[i] !== 0x25) break;
    while (i < b.length && b[i] !== 0x0a && b[i] !== 0x0d) i++;
  }
  if (i >= b.length) return undefined;
  const start = i;
  const c = b[i]!;
  if (c === 0x28) {
    let depth = 0;
    for (; i < b.length; i++) {
      if (b[i] === 0x5c) i++;
      else if (b[i] === 0x28) depth++;
      else if (b[i] === 0x29 && --depth === 0) break;
    }
    i++;
  } else if (c === 0x3c && b[i + 1] !== 0x3c) {
    while (i < b.length && b[i] !== 0x3e) i++;
    i++;
  } else if ((c === 0x3c || c === 0x3e) && b[i + 1] === c) i += 2;
  else if (c === 0x2f) {
    i++;
    while (isRegular(b[i])) i++;
  } else if (DELIMITERS.has(c)) i++;
  else while (isRegular(b[i])) i++;
  return { start, end: Math.min(i, b.length) };
};

/** `[` or `<<`, and `]` or `>>`: what opens and closes an array or a dictionary (7.3.6, 7.3.7). */
const isOpening = (b: Uint8Array, t: Token): boolean =>
  b[t.start] === 0x5b || (b[t.start] === 0x3c && b[t.start + 1] === 0x3c);
const isClosing = (b: Uint8Array, t: Token): boolean =>
  b[t.start] === 0x5d || (b[t.start] === 0x3e && b[t.start + 1] === 0x3e);

/** The inline image's dictionary, BI to ID: its keys' values as their tokens (an array as its items). */
type InlineDict = Map<string, { readonly values: readonly string[]; readonly last: Token }>;

const readDict = (b: Uint8Array, from: number): { dict: InlineDict; id: Token } | undefined => {
  const dict: InlineDict = new Map();
  let t = nextToken(b, from);
  while (t !== undefined && !isKeyword(b, t, 'ID')) {
    if (b[t.start] !== 0x2f) return undefined;
    const key = textOf(b, t).slice(1);
    const first = nextToken(b, t.end);
    if (first === undefined) return undefined;
    const values: string[] = [];
    let last = first;
    if (isOpening(b, first)) {
      // An array (/F [/AHx /DCT], /CS [/I /RGB 1 <…>]) or a dictionary (/DP << /K -1 /Columns 8 >>),
      // nested as deep as it goes: its items, and the token that closes it.
      let depth = 1;
      let item = nextToken(b, first.end);
      for (; item !== undefined; item = nextToken(b, item.end)) {
        if (isOpening(b, item)) depth++;
        else if (isClosing(b, item) && --depth === 0) break;
        else if (depth === 1) values.push(textOf(b, item));
      }
      if (item === undefined) return undefined;
      last = item;
    } else values.push(textOf(b, first));
    dict.set(key, { values, last });
    t = nextToken(b, last.end);
  }
  return t === undefined ? undefined : { dict, id: t };
};

const valueOf = (dict: InlineDict, keys: ReadonlySet<string>): readonly string[] | undefined => {
  for (const key of keys) {
    const v = dict.get(key);
    if (v !== undefined) return v.values;
  }
  return undefined;
};

const numberOf = (dict: InlineDict, keys: ReadonlySet<string>): number | undefined => {
  const v = valueOf(dict, keys);
  const n = v?.length === 1 ? Number(v[0]) : Number.NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
};

/**
 * Where an inline image's data ends, for one the rewrite does not change (8.9.7): its /L (/Length,
 * PDF 2.0) when given; unfiltered samples by their size (W × H × components × BPC, rows padded to a
 * byte, 8.9.3); ASCIIHex and ASCII85 data at their end-of-data marks; otherwise, as readers do, at
 * the first EI between white-space.
 */
const dataEnd = (b: Uint8Array, dict: InlineDict, start: number, filters: readonly string[]): number => {
  const given = numberOf(dict, LENGTH_KEYS);
  if (given !== undefined) return Math.min(b.length, start + given);
  if (filters.length === 0) {
    const mask = valueOf(dict, new Set(['IM', 'ImageMask']))?.[0] === 'true';
    const space = valueOf(dict, new Set(['CS', 'ColorSpace']))?.[0]?.slice(1);
    const components = mask ? 1 : COMPONENTS[space ?? ''];
    const bpc = mask ? 1 : numberOf(dict, new Set(['BPC', 'BitsPerComponent']));
    const w = numberOf(dict, new Set(['W', 'Width']));
    const h = numberOf(dict, new Set(['H', 'Height']));
    if (components !== undefined && bpc !== undefined && w !== undefined && h !== undefined)
      return Math.min(b.length, start + Math.ceil((w * components * bpc) / 8) * h);
  }
  // The data as written is the first filter's encoding (7.4.1).
  const outer = filters.at(0);
  const mark =
    outer === 'AHx' || outer === 'ASCIIHexDecode'
      ? '>'
      : outer === 'A85' || outer === 'ASCII85Decode'
        ? '~>'
        : undefined;
  if (mark !== undefined) {
    const at = Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf(mark, start, 'latin1');
    return at === -1 ? b.length : at + mark.length;
  }
  for (let i = start; i + 1 < b.length; i++)
    if (b[i] === 0x45 && b[i + 1] === 0x49 && WHITE.has(b[i - 1] ?? 0x20) && !isRegular(b[i + 2]))
      return i - 1;
  return b.length;
};

/**
 * The content stream (7.8.2) with every inline JPEG (8.9.7: BI … ID data EI, its filter /DCT or
 * /DCTDecode) stripped of its metadata segments, as an image XObject's JPEG is (jpeg-strip.ts: EXIF
 * and XMP with a position, IPTC, comments); undefined when there is none, so the stream is left as
 * it came. The stream is read token by token, so a BI inside a string or a comment is no image,
 * and the data of every other inline image is stepped over (`dataEnd`). An inline JPEG that does not
 * parse, is not followed by EI, or sits under other filters as well (e.g. [/A85 /DCT], whose
 * JPEG the tablet would have to decode to strip) is an error: the PDF is refused, never sent with
 * what the JPEG may carry. A /L (/Length) the image gives is written anew.
 */
export const stripInlineJpegs = (b: Uint8Array): Result<Uint8Array | undefined, InlineImageError> => {
  // Most content streams hold no inline image: not tokenised at all.
  if (Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf('BI', 0, 'latin1') === -1)
    return ok(undefined);
  const edits: { start: number; end: number; bytes: Uint8Array }[] = [];
  let t = nextToken(b, 0);
  while (t !== undefined) {
    if (!isKeyword(b, t, 'BI')) {
      t = nextToken(b, t.end);
      continue;
    }
    const read = readDict(b, t.end);
    if (read === undefined) {
      // No image dictionary ends in ID here (damaged, or "BI" was no operator): read on after it.
      t = nextToken(b, t.end);
      continue;
    }
    const { dict, id } = read;
    // One white-space byte separates ID from the data (8.9.7).
    const start = id.end + 1;
    const filters = (valueOf(dict, FILTER_KEYS) ?? []).map((v) => v.slice(1));
    const end = filters.some((f) => DCT.has(f)) ? undefined : dataEnd(b, dict, start, filters);
    if (end !== undefined) {
      t = nextToken(b, end);
      while (t !== undefined && !isKeyword(b, t, 'EI')) t = nextToken(b, t.end);
      t = t === undefined ? undefined : nextToken(b, t.end);
      continue;
    }
    if (filters.length !== 1) return err('inline-jpeg-filtered');
    const jpeg = stripLeadingJpeg(b.subarray(start));
    if (!jpeg.ok) return err('inline-jpeg-unreadable');
    const ei = nextToken(b, start + jpeg.value.length);
    if (ei === undefined || !isKeyword(b, ei, 'EI')) return err('inline-jpeg-unreadable');
    const length = dict.get('L') ?? dict.get('Length');
    if (length?.values.length === 1 && !isClosing(b, length.last)) {
      const v = length.last;
      edits.push({
        start: v.start,
        end: v.end,
        bytes: Buffer.from(String(jpeg.value.jpeg.length), 'latin1'),
      });
    }
    edits.push({ start, end: start + jpeg.value.length, bytes: jpeg.value.jpeg });
    t = nextToken(b, ei.end);
  }
  return edits.length === 0 ? ok(undefined) : ok(splice(b, edits));
};

/** `b` with each edit's range (in order, not overlapping) replaced by its bytes. */
const splice = (
  b: Uint8Array,
  edits: readonly { start: number; end: number; bytes: Uint8Array }[],
): Uint8Array => {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const e of edits) {
    parts.push(b.subarray(at, e.start), e.bytes);
    at = e.end;
  }
  parts.push(b.subarray(at));
  return Buffer.concat(parts);
};
