import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { prepareAttachment, type AttachmentBounds } from '../../src/roles/tablet/index.js';
import { ecgImage, photoWithGps } from '../support/feed/attachment-sample.js';
import { pdfFixture } from '../support/pdf-read.js';

const BOUNDS: AttachmentBounds = {
  maxEdgePx: 1600,
  jpegQuality: 80,
  maxImageBytes: 1024 * 1024,
  maxPdfBytes: 64 * 1024,
  maxUploadBytes: 20 * 1024 * 1024,
  maxPerPatient: 8,
};

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('attachments prepared on the tablet (sharp)', () => {
  it('strips every piece of metadata (EXIF GPS, make, model, serial; ICC, XMP) and downscales to the bound', async () => {
    const photo = await photoWithGps(3000, 2000);
    const before = await sharp(photo).metadata();
    // The test image does carry what must go.
    expect(before.exif).toBeDefined();
    expect(latin1(photo)).toContain('TestCam');
    expect(latin1(photo)).toContain('SN-4711');
    const prepared = await prepareAttachment(photo, BOUNDS);
    if (!prepared.ok) throw new Error(prepared.error);
    const out = prepared.value;
    expect(out.mediaType).toBe('image/jpeg');
    const after = await sharp(out.bytes).metadata();
    expect(after.format).toBe('jpeg');
    expect(after.exif).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(Math.max(after.width, after.height)).toBe(1600);
    expect(out.bytes.byteLength).toBeLessThanOrEqual(BOUNDS.maxImageBytes);
    for (const trace of ['TestCam', 'EMS-Phone', 'SN-4711', 'Exif', 'GPS'])
      expect(latin1(out.bytes)).not.toContain(trace);
  });

  it('turns a photo upright by its EXIF orientation before the orientation tag goes', async () => {
    const tall = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#c33' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const prepared = await prepareAttachment(tall, BOUNDS);
    if (!prepared.ok) throw new Error(prepared.error);
    expect([prepared.value.width, prepared.value.height]).toEqual([200, 400]);
    expect((await sharp(prepared.value.bytes).metadata()).orientation).toBeUndefined();
  });

  it('re-encodes an ECG PNG as JPEG and lowers quality or size until it fits the byte bound', async () => {
    const ecg = await ecgImage(1200, 500);
    const prepared = await prepareAttachment(ecg, { ...BOUNDS, maxImageBytes: 64 * 1024 });
    if (!prepared.ok) throw new Error(prepared.error);
    expect(prepared.value.mediaType).toBe('image/jpeg');
    expect(prepared.value.bytes.byteLength).toBeLessThanOrEqual(64 * 1024);
  });

  it('rewrites a PDF within its bound (test/tablet/pdf-strip.test.ts); refuses what is not an image or PDF, too large, or empty', async () => {
    const pdf = pdfFixture('scan-with-metadata.pdf');
    const prepared = await prepareAttachment(pdf, BOUNDS);
    if (!prepared.ok) throw new Error(prepared.error);
    expect(prepared.value.mediaType).toBe('application/pdf');
    expect(latin1(prepared.value.bytes)).not.toContain('Hidden Author');
    expect(await prepareAttachment(pdf, { ...BOUNDS, maxPdfBytes: 1024 })).toEqual({
      ok: false,
      error: 'too-large',
    });
    expect(await prepareAttachment(pdf, { ...BOUNDS, maxUploadBytes: 1024 })).toEqual({
      ok: false,
      error: 'too-large',
    });
    // Only its first bytes say PDF: not guessed at.
    expect(
      await prepareAttachment(new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\n'), BOUNDS),
    ).toEqual({
      ok: false,
      error: 'unreadable-pdf',
    });
    expect(await prepareAttachment(new TextEncoder().encode('<html>not a photo</html>'), BOUNDS)).toEqual({
      ok: false,
      error: 'unsupported-type',
    });
    expect(await prepareAttachment(new Uint8Array(0), BOUNDS)).toEqual({ ok: false, error: 'empty' });
    const photo = await photoWithGps(400, 300);
    expect(await prepareAttachment(photo, { ...BOUNDS, maxUploadBytes: 1000 })).toEqual({
      ok: false,
      error: 'too-large',
    });
    // A JPEG cut short (a transfer that broke off) is not guessed at.
    expect((await prepareAttachment(photo.subarray(0, 600), BOUNDS)).ok).toBe(false);
  });
});
