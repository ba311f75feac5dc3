import type Sharp from 'sharp';
import { err, ok, type Result } from '../../core/index.js';
import type { AttachmentMediaType } from '../../hospital-feed/index.js';
import { loadPdfLibrary, PDF_ERRORS, rewritePdf } from './pdf-strip.js';

/** The configured bounds (configuration `attachments`, README). */
export interface AttachmentBounds {
  /** Longest edge of a sent image, in pixels. */
  readonly maxEdgePx: number;
  /** JPEG quality to start from; lowered step by step until the image fits `maxImageBytes`. */
  readonly jpegQuality: number;
  readonly maxImageBytes: number;
  readonly maxPdfBytes: number;
  /** Largest upload accepted from the tablet's browser (before re-encoding). */
  readonly maxUploadBytes: number;
  /** Attachments one patient may have on this tablet. */
  readonly maxPerPatient: number;
}

export const PREPARE_ERRORS = [
  'unsupported-type',
  'unreadable-image',
  'too-large',
  'empty',
  ...PDF_ERRORS,
] as const;
export type PrepareError = (typeof PREPARE_ERRORS)[number];

export interface Prepared {
  readonly mediaType: AttachmentMediaType;
  readonly bytes: Uint8Array;
  /** For images: the size sent (after downscaling). */
  readonly width?: number;
  readonly height?: number;
}

/**
 * Decompression bombs: a small file that decodes to gigapixels. 50 MP is above any tablet camera
 * (a 48 MP sensor is 8000 × 6000) and bounds what one upload can make the gateway allocate (~150 MB).
 */
const MAX_INPUT_PIXELS = 50_000_000;
/** Qualities tried in turn when an image does not fit its byte bound, then the edge shrinks. */
const QUALITY_FLOOR = 50;

/**
 * sharp (libvips) is loaded on the first image the crew attaches, not at start: resident, it is about
 * 30 MiB of the ambulance process (issue 16: a role idle ≤ 80 MB). The first image pays its load
 * once, ~0.2–0.3 s on the reference machine (docs/decisions.md), on the attachment path only: the
 * report itself never waits for it.
 */
type SharpFn = typeof Sharp;
let sharpLoaded: Promise<SharpFn> | undefined;
/** Rejects (and the upload fails as a server error, not as the crew's bad file) if sharp cannot load. */
const loadSharp = (): Promise<SharpFn> => (sharpLoaded ??= import('sharp').then((m) => m.default));

const isPdf = (bytes: Uint8Array): boolean =>
  bytes.length >= 5 && Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';

/**
 * Re-encodes one image within the bounds: turned upright by its EXIF orientation first (the only
 * metadata that changes what a clinician sees), downscaled to `edge`, converted to sRGB, written as
 * a new JPEG. sharp writes no metadata unless asked (`keepMetadata`, `withExif`, `keepIccProfile`…),
 * so EXIF (GPS position, camera make, model and serial, time), XMP, IPTC and the ICC profile are all
 * gone: only pixels are carried over. Test: test/tablet/attachment-prepare.test.ts.
 */
const encode = async (
  sharp: SharpFn,
  bytes: Uint8Array,
  edge: number,
  quality: number,
): Promise<{ data: Buffer; width: number; height: number }> => {
  const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .jpeg({ quality, mozjpeg: true })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};

/**
 * What the crew attached, made fit to send: images of any format sharp reads (JPEG, PNG, WebP, HEIF,
 * GIF, TIFF) become a stripped JPEG within the bounds; a PDF is rewritten to what its pages show
 * (`rewritePdf`: no information dictionary, XMP, annotations' authors and dates, or JPEG EXIF) and
 * the rewritten bytes must fit their bound. The type is read from the bytes, never from the file
 * name or the browser's claim.
 */
export const prepareAttachment = async (
  bytes: Uint8Array,
  bounds: AttachmentBounds,
): Promise<Result<Prepared, PrepareError>> => {
  if (bytes.byteLength === 0) return err('empty');
  if (bytes.byteLength > bounds.maxUploadBytes) return err('too-large');
  if (isPdf(bytes)) {
    const rewritten = await rewritePdf(await loadPdfLibrary(), bytes, bounds.maxPdfBytes);
    if (!rewritten.ok) return rewritten;
    return rewritten.value.byteLength > bounds.maxPdfBytes
      ? err('too-large')
      : ok({ mediaType: 'application/pdf', bytes: rewritten.value });
  }
  const sharp = await loadSharp();
  let format: string | undefined;
  try {
    format = (await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).format;
  } catch {
    return err('unsupported-type');
  }
  if (!['jpeg', 'png', 'webp', 'heif', 'gif', 'tiff', 'avif'].includes(format))
    return err('unsupported-type');
  try {
    let edge = bounds.maxEdgePx;
    let quality = bounds.jpegQuality;
    // Each step costs one encode; from a 12 MP photo a few steps at most reach a 1 MiB bound.
    for (;;) {
      const out = await encode(sharp, bytes, edge, quality);
      if (out.data.byteLength <= bounds.maxImageBytes)
        return ok({
          mediaType: 'image/jpeg',
          bytes: new Uint8Array(out.data),
          width: out.width,
          height: out.height,
        });
      if (quality > QUALITY_FLOOR) quality = Math.max(QUALITY_FLOOR, quality - 10);
      else if (edge > 320) edge = Math.floor(edge * 0.75);
      else return err('too-large');
    }
  } catch {
    return err('unreadable-image');
  }
};
