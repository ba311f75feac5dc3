import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { prepareAttachment } from '../../src/roles/tablet/index.js';
import { launchChromium } from '../support/browser.js';
import { photoWithGps } from '../support/feed/attachment-sample.js';
import { pdfInfo, pdfJpegs, pdfPixels, pdfText } from '../support/pdf-read.js';

const BOUND = 4 * 1024 * 1024;

/**
 * A PDF from a real producer: Chromium's print to PDF (Skia/PDF), as a monitor's or a portal's web
 * page exports it. Skia copies a JPEG it is given into the PDF as it is (DCTDecode), EXIF and all;
 * the page title becomes the document's /Title, the browser its /Creator; links become annotations;
 * a tagged PDF has a structure tree.
 */
const printed = async (photo: Buffer): Promise<Uint8Array> => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent(
      `<html><head><title>ECG of Taro Shiken</title></head><body><h1>12-lead ECG</h1><p>HR 98, sinus rhythm</p>` +
        `<p><a href="https://portal.invalid/patient/4711">open in the portal</a></p>` +
        `<img src="data:image/jpeg;base64,${photo.toString('base64')}" width="400" height="300"></body></html>`,
    );
    return new Uint8Array(await page.pdf({ format: 'A5', tagged: true }));
  } finally {
    await browser.close();
  }
};

describe('a PDF printed by Chromium, rewritten on the tablet (issue 16)', () => {
  it('loses its title, creator, producer, dates, links, structure tree and the photo’s EXIF GPS, and looks the same', async () => {
    const photo = await photoWithGps(400, 300);
    const pdf = await printed(photo);
    // What Chromium wrote (so the checks below can fail).
    const info0 = pdfInfo(pdf);
    expect(info0['Title']).toBe('ECG of Taro Shiken');
    expect(info0['Producer']).toContain('Skia');
    const before = pdfText(pdf);
    for (const trace of ['TestCam', 'Exif', 'HeadlessChrome', '/Annots', 'portal.invalid', '/StructTreeRoot'])
      expect(before, trace).toContain(trace);

    const prepared = await prepareAttachment(pdf, {
      maxEdgePx: 1600,
      jpegQuality: 80,
      maxImageBytes: BOUND,
      maxPdfBytes: BOUND,
      maxUploadBytes: BOUND,
      maxPerPatient: 8,
    });
    if (!prepared.ok) throw new Error(prepared.error);
    const out = prepared.value.bytes;
    const info = pdfInfo(out);
    for (const key of ['Title', 'Creator', 'Producer', 'CreationDate', 'ModDate'])
      expect(info[key], key).toBeUndefined();
    expect(info).toMatchObject({ Tagged: 'no', Pages: '1', 'Page size': '420 x 595.92 pts (A5)' });
    const after = pdfText(out);
    for (const trace of [
      'TestCam',
      'EMS-Phone',
      'SN-4711',
      'Exif',
      'HeadlessChrome',
      'Skia',
      'Taro Shiken',
      '/Annots',
      'portal.invalid',
      '/StructTreeRoot',
      '/StructParents',
    ])
      expect(after, trace).not.toContain(trace);

    const [pixelsBefore, pixelsAfter] = [await pdfPixels(pdf), await pdfPixels(out)];
    expect(pixelsAfter).toHaveLength(1);
    expect(pixelsAfter[0]!.equals(pixelsBefore[0]!)).toBe(true);
    const [jpegIn, jpegOut] = [pdfJpegs(pdf), pdfJpegs(out)];
    expect(jpegOut).toHaveLength(1);
    expect((await sharp(jpegOut[0]).metadata()).exif).toBeUndefined();
    expect((await sharp(jpegOut[0]).raw().toBuffer()).equals(await sharp(jpegIn[0]).raw().toBuffer())).toBe(
      true,
    );
  });
});
