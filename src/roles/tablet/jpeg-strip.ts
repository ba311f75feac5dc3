import { err, ok, type Result } from '../../core/index.js';

export const JPEG_ERRORS = ['not-jpeg', 'bad-marker', 'truncated'] as const;
export type JpegError = (typeof JPEG_ERRORS)[number];

// Markers, ITU-T T.81 Table B.1.
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const COM = 0xfe;
const APP0 = 0xe0;
const APP2 = 0xe2;
const APP14 = 0xee;
const APP15 = 0xef;
/** TEM and RST0–RST7 stand alone (B.1.1.3): no length follows them. */
const standsAlone = (m: number): boolean => m === 0x01 || (m >= 0xd0 && m <= 0xd7);

const startsWith = (b: Uint8Array, at: number, end: number, ascii: string): boolean =>
  end - at >= ascii.length && [...ascii].every((c, i) => b[at + i] === c.charCodeAt(0));

/**
 * The application segments a decoder needs, by their identifier (the payload's leading bytes):
 * APP0 "JFIF\0" (JFIF 1.02: the samples are YCbCr), APP2 "ICC_PROFILE\0" (ICC.1 Annex B.4: the
 * colours as the camera meant them) and APP14 "Adobe" (the colour transform of CMYK/YCCK images).
 * Every other APPn (APP1 Exif and XMP with GPS, camera serial and time; APP13 IPTC; vendors' APP3–
 * APP12 and APP15; APP0 "JFXX" thumbnails) and every COM (T.81 B.2.4.5) is not image data.
 */
const keepsApp = (marker: number, b: Uint8Array, payload: number, end: number): boolean =>
  (marker === APP0 && startsWith(b, payload, end, 'JFIF\0')) ||
  (marker === APP2 && startsWith(b, payload, end, 'ICC_PROFILE\0')) ||
  (marker === APP14 && startsWith(b, payload, end, 'Adobe'));

/**
 * A JFIF APP0 may carry an uncompressed thumbnail after its 14 fixed bytes (JFIF 1.02: Xthumbnail,
 * Ythumbnail, then 3 × Xthumbnail × Ythumbnail bytes), a picture of the image as it was before any
 * crop: kept without it, as the 16-byte segment of a JFIF with no thumbnail.
 */
const jfifWithoutThumbnail = (b: Uint8Array, at: number, end: number): Uint8Array => {
  if (end - at <= 18) return b.subarray(at, end);
  // A copy: a Buffer's `slice` is a view, and the caller's bytes are not ours to change.
  const seg = Uint8Array.from(b.subarray(at, at + 18));
  seg[2] = 0;
  seg[3] = 16;
  seg[16] = 0;
  seg[17] = 0;
  return seg;
};

/**
 * The JPEG (a PDF's DCTDecode stream, or a file) with everything but its image data cut out: the
 * marker segments are walked as ITU-T T.81 Annex B lays them out (B.1.1.2 fill bytes before a
 * marker; B.1.1.4 a 16-bit length after every marker but SOI, EOI, TEM and RSTn; B.1.1.5 entropy-
 * coded data after SOS, in which 0xFF is followed by a stuffed 0x00 or an RSTn) and copied as they
 * are, bar the application segments no decoder needs and comments (see `keepsApp`). Bytes after EOI
 * (phones append previews and vendor blocks there) are not copied. What does not parse as that
 * structure is an error, never passed on as it came.
 */
export const stripJpegMetadata = (b: Uint8Array): Result<Uint8Array, JpegError> => {
  const stripped = stripLeadingJpeg(b);
  return stripped.ok ? ok(stripped.value.jpeg) : stripped;
};

/**
 * The JPEG that `b` starts with, stripped as `stripJpegMetadata` strips it, and how many bytes of
 * `b` it took, through its EOI: for a JPEG with more after it (an inline image, then its EI).
 */
export const stripLeadingJpeg = (b: Uint8Array): Result<{ jpeg: Uint8Array; length: number }, JpegError> => {
  if (b.length < 2 || b[0] !== 0xff || b[1] !== SOI) return err('not-jpeg');
  const parts: Uint8Array[] = [b.subarray(0, 2)];
  let i = 2;
  for (;;) {
    // A marker: 0xFF, any number of 0xFF fill bytes, then the marker's code.
    if (i >= b.length) return err('truncated');
    if (b[i] !== 0xff) return err('bad-marker');
    while (b[i] === 0xff) i++;
    if (i >= b.length) return err('truncated');
    const marker = b[i]!;
    const at = i - 1;
    i++;
    if (marker === EOI) {
      parts.push(b.subarray(at, i));
      break;
    }
    if (marker === 0x00 || marker === SOI) return err('bad-marker');
    if (standsAlone(marker)) {
      parts.push(b.subarray(at, i));
      continue;
    }
    if (i + 2 > b.length) return err('truncated');
    const length = (b[i]! << 8) | b[i + 1]!;
    if (length < 2) return err('bad-marker');
    const end = i + length;
    if (end > b.length) return err('truncated');
    const isApp = marker >= APP0 && marker <= APP15;
    const kept = isApp ? keepsApp(marker, b, i + 2, end) : marker !== COM;
    if (kept) parts.push(marker === APP0 ? jfifWithoutThumbnail(b, at, end) : b.subarray(at, end));
    i = end;
    if (marker !== SOS) continue;
    // Entropy-coded data runs to the first marker that is neither a stuffed 0x00 nor an RSTn.
    const data = i;
    for (;;) {
      if (i + 1 >= b.length) return err('truncated');
      if (b[i] === 0xff && b[i + 1] !== 0x00 && !(b[i + 1]! >= 0xd0 && b[i + 1]! <= 0xd7)) break;
      i++;
    }
    parts.push(b.subarray(data, i));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return ok({ jpeg: out, length: i });
};
