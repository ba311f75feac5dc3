import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, rgb, type EncryptionAlgorithm } from '@cantoo/pdf-lib';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { prepareAttachment, type AttachmentBounds } from '../../src/roles/tablet/index.js';
import { handEncryptedPdf } from '../support/pdf-encrypt.js';
import { photoWithGps } from '../support/feed/attachment-sample.js';
import { box, insertBoxes, opjEncode, samplePpm } from '../support/jpeg2000.js';
import {
  pdfFixture,
  pdfImageEncodings,
  pdfInfo,
  pdfJpegs,
  pdfPixels,
  pdfText,
  pdfXmp,
} from '../support/pdf-read.js';

const BOUNDS: AttachmentBounds = {
  maxEdgePx: 1600,
  jpegQuality: 80,
  maxImageBytes: 1024 * 1024,
  maxPdfBytes: 1024 * 1024,
  maxUploadBytes: 20 * 1024 * 1024,
  maxPerPatient: 8,
};

/** What test/support/make-pdf-fixtures.mjs put in scan-with-metadata.pdf that must not leave the tablet. */
const TRACES = [
  'Dr. Hidden Author', // Info /Author, XMP dc:creator, annotation /T
  'ScanPhone', // Info /Creator and /Producer, XMP CreatorTool, page /PieceInfo
  'Taro Shiken', // Info /Title
  'SN-PDF-4711', // Info custom key, page /PieceInfo
  'D:20261130093015', // Info and annotation dates, page /LastModified
  'GPSLatitude', // catalog XMP
  'xmpmeta', // any XMP packet (catalog, page, image)
  'annot-uid-4711', // annotation /NM
  'private remark', // annotation /Contents
  'tracking-script', // /OpenAction JavaScript
  'SECRET-EMBEDDED-NOTE', // embedded file
  'ORPHAN-OBJECT-SECRET', // an object nothing points at
  '4a1b2c3d4e5f60718293a4b5c6d7e8f9', // trailer /ID
  'Exif', // the JPEGs' APP1 segments
  'TestCam', // EXIF Make
  'EMS-Phone', // EXIF Model
  'SN-4711', // EXIF ImageDescription (device serial), first image
  'SN-4712', // second image, behind [/FlateDecode /DCTDecode]
];

const rewrite = async (pdf: Uint8Array, bounds = BOUNDS): Promise<Uint8Array> => {
  const prepared = await prepareAttachment(pdf, bounds);
  if (!prepared.ok) throw new Error(prepared.error);
  expect(prepared.value.mediaType).toBe('application/pdf');
  return prepared.value.bytes;
};

describe('PDF attachments rewritten on the tablet (issue 16: no metadata leaves it)', () => {
  const scan = pdfFixture('scan-with-metadata.pdf');

  it('the fixture carries every trace, as poppler reads it', async () => {
    const text = pdfText(scan);
    for (const trace of TRACES) expect(text, trace).toContain(trace);
    expect(pdfInfo(scan)).toMatchObject({
      Author: 'Dr. Hidden Author',
      JavaScript: 'yes',
      'Metadata Stream': 'yes',
    });
    const jpegs = pdfJpegs(scan);
    expect(jpegs).toHaveLength(2);
    for (const j of jpegs) expect((await sharp(j).metadata()).exif).toBeDefined();
  });

  it('keeps what the pages show and nothing else: no Info, XMP, annotation author or dates, JavaScript, embedded file, orphan, EXIF', async () => {
    const out = await rewrite(scan);
    const text = pdfText(out);
    for (const trace of TRACES) expect(text, trace).not.toContain(trace);
    // The library adds no name or date of its own.
    for (const trace of [
      'pdf-lib',
      '/Info',
      '/Producer',
      '/CreationDate',
      '/ModDate',
      '/Annots',
      '/Metadata',
    ])
      expect(text, trace).not.toContain(trace);
    // poppler: no information dictionary, no XMP, no JavaScript; one page, its two JPEGs.
    const info = pdfInfo(out);
    for (const key of ['Title', 'Author', 'Creator', 'Producer', 'CreationDate', 'ModDate'])
      expect(info[key], key).toBeUndefined();
    expect(info).toMatchObject({
      'Metadata Stream': 'no',
      'Custom Metadata': 'no',
      JavaScript: 'no',
      Pages: '1',
      'Page size': '300 x 400 pts',
      Encrypted: 'no',
    });
    expect(pdfXmp(out).trim()).toBe('');
    // The text is still drawn.
    expect(text).toContain('MEDICATION LIST');
    expect(text).toContain('Amlodipine 5 mg once daily');
  });

  it('the page looks the same (rendered by poppler, the annotation drawn into it) and its JPEGs decode to the same pixels without EXIF', async () => {
    const out = await rewrite(scan);
    const [before, after] = [await pdfPixels(scan), await pdfPixels(out)];
    expect(after).toHaveLength(1);
    expect(after[0]!.equals(before[0]!)).toBe(true);
    // The annotation's red frame is on the rendered page (so "the same" is not two blank pages).
    const redAt = (px: Buffer, x: number, y: number): boolean =>
      px[(y * 300 + x) * 3]! > 200 && px[(y * 300 + x) * 3 + 1]! < 80;
    expect(redAt(after[0]!, 100, 400 - 395 + 1)).toBe(true);

    const [jin, jout] = [pdfJpegs(scan), pdfJpegs(out)];
    expect(jout).toHaveLength(2);
    for (const [i, j] of jout.entries()) {
      const meta = await sharp(j).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      const [a, b] = [await sharp(jin[i]).raw().toBuffer(), await sharp(j).raw().toBuffer()];
      expect(b.equals(a)).toBe(true);
    }
  });

  it('a layer hidden by default stays hidden, its annotation too; who and what made the layers goes', async () => {
    const layers = pdfFixture('layers.pdf');
    for (const trace of ['Dr. Layer Owner', 'LayerApp Pro']) expect(pdfText(layers)).toContain(trace);
    const out = await rewrite(layers);
    const [before, after] = [await pdfPixels(layers), await pdfPixels(out)];
    expect(after[0]!.equals(before[0]!)).toBe(true);
    // The hidden layer's blue rectangle and its annotation's red frame are not drawn; the shown ones are.
    const rgb = (x: number, y: number): number[] => [
      ...after[0]!.subarray((y * 200 + x) * 3, (y * 200 + x) * 3 + 3),
    ];
    expect(rgb(150, 200 - 115)).toEqual([255, 255, 255]);
    expect(rgb(121, 200 - 55)).toEqual([255, 255, 255]);
    expect(rgb(50, 200 - 115)[2]).toBeLessThan(50);
    expect(rgb(21, 200 - 55)[1]).toBeGreaterThan(rgb(21, 200 - 55)[0]!);
    const text = pdfText(out);
    for (const trace of ['Dr. Layer Owner', 'LayerApp', 'Layers of', '/Usage', '/Annots'])
      expect(text, trace).not.toContain(trace);
  });

  it('reads a PDF whose objects are packed in object streams (PDF 1.5 §7.5.7) and leaves their metadata behind', async () => {
    const packed = await (
      await PDFDocument.load(scan, { updateMetadata: false })
    ).save({ useObjectStreams: true });
    expect(Buffer.from(packed).toString('latin1')).toContain('/ObjStm');
    // Packed: the information dictionary is in a compressed object stream, found only inflated.
    expect(Buffer.from(packed).toString('latin1')).not.toContain('/DeviceSerial');
    expect(pdfText(packed)).toContain('/DeviceSerial');
    const out = await rewrite(packed);
    const text = pdfText(out);
    for (const trace of TRACES) expect(text, trace).not.toContain(trace);
    expect((await pdfPixels(out))[0]!.equals((await pdfPixels(scan))[0]!)).toBe(true);
  });

  it('the library itself finds no information, XMP or annotation in what it wrote', async () => {
    const doc = await PDFDocument.load(await rewrite(scan), { updateMetadata: false });
    // Read before the getters below (they make an empty information dictionary when there is none).
    expect(doc.context.trailerInfo.Info).toBeUndefined();
    expect(doc.context.trailerInfo.ID).toBeUndefined();
    expect([doc.getAuthor(), doc.getTitle(), doc.getCreator(), doc.getProducer()]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(doc.catalog.get(PDFName.of('Metadata'))).toBeUndefined();
    expect(doc.catalog.get(PDFName.of('Names'))).toBeUndefined();
    expect(doc.catalog.get(PDFName.of('OpenAction'))).toBeUndefined();
    const [page] = doc.getPages();
    expect(
      page!.node
        .keys()
        .map((k) => k.decodeText())
        .sort(),
    ).toEqual(['Contents', 'MediaBox', 'Parent', 'Resources', 'Type']);
  });

  it('the size bound applies to the rewritten bytes', async () => {
    const out = await rewrite(scan);
    expect(out.byteLength).toBeLessThan(scan.byteLength);
    // Larger than the bound as attached, within it as rewritten: sent.
    await rewrite(scan, { ...BOUNDS, maxPdfBytes: out.byteLength });
    expect(await prepareAttachment(scan, { ...BOUNDS, maxPdfBytes: out.byteLength - 1 })).toEqual({
      ok: false,
      error: 'too-large',
    });
  });

  it('takes a page that reaches a very long array (a CID font’s /W, a big /Kids)', async () => {
    const doc = await PDFDocument.create({ updateMetadata: false });
    const page = doc.addPage([200, 200]);
    const widths = doc.context.obj(Array.from({ length: 400_000 }, (_, i) => i % 1000));
    page.node.set(
      PDFName.of('Group'),
      doc.context.obj({ S: 'Transparency', Widths: doc.context.register(widths) }),
    );
    const out = await rewrite(await doc.save());
    expect(pdfInfo(out)).toMatchObject({ Pages: '1' });
  });

  it('a filtered JPEG is inflated no further than the PDF’s bound (64 KiB of Flate, 64 MiB inflated: too large)', async () => {
    const doc = await PDFDocument.create({ updateMetadata: false });
    const page = doc.addPage([200, 200]);
    const bomb = doc.context.stream(deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }), {
      Type: 'XObject',
      Subtype: 'Image',
      Width: 8,
      Height: 8,
      ColorSpace: 'DeviceRGB',
      BitsPerComponent: 8,
      Filter: ['FlateDecode', 'DCTDecode'],
    });
    page.node.setXObject(PDFName.of('Im1'), doc.context.register(bomb));
    const pdf = await doc.save({ useObjectStreams: false });
    expect(pdf.byteLength).toBeLessThan(BOUNDS.maxPdfBytes);
    expect(await prepareAttachment(pdf, BOUNDS)).toEqual({ ok: false, error: 'too-large' });
  });

  // Permissions-only PDFs (scanners, apps): encrypted, but a viewer opens them without asking
  // (ISO 32000-1 7.6.3.4: the empty user password). Made by the library's own `encrypt`, with and
  // without object streams; poppler, which shares no code with it, checks that each is a standard
  // encrypted PDF that opens with no password.
  it.each([
    ['RC4-40', false],
    ['RC4-128', true],
    ['AES-128', false],
    ['AES-256', true],
  ] as const)(
    'an encrypted PDF that opens with no password (%s, object streams: %s) is rewritten unencrypted and stripped; one that needs a password is refused',
    async (algorithm: EncryptionAlgorithm, useObjectStreams) => {
      const encrypted = async (userPassword: string): Promise<Uint8Array> => {
        const doc = await PDFDocument.create();
        doc.setAuthor('Dr. Hidden Author');
        doc.setTitle('Taro Shiken');
        const page = doc.addPage([200, 120]);
        page.drawRectangle({ x: 20, y: 20, width: 80, height: 40, color: rgb(0.8, 0.1, 0.1) });
        page.drawText('ECG 12-lead', { x: 20, y: 80, size: 12 });
        doc.encrypt({
          userPassword,
          ownerPassword: 'owner-4711',
          algorithm,
          allowWeakCryptography: true,
          permissions: { printing: 'highResolution', modifying: false, copying: false },
        });
        return doc.save({ useObjectStreams });
      };
      const open = await encrypted('');
      const before = pdfInfo(open);
      expect(before['Encrypted']).toMatch(/^yes/);
      // The library's `encrypt` garbles the information dictionary's strings in a file without
      // object streams (poppler reads them so: its bug; the rewrite never copies them anyway).
      if (useObjectStreams)
        expect(before).toMatchObject({ Author: 'Dr. Hidden Author', Title: 'Taro Shiken' });
      const out = await rewrite(open);
      const info = pdfInfo(out);
      expect(info['Encrypted']).toBe('no');
      for (const key of ['Title', 'Author', 'Creator', 'Producer', 'CreationDate'])
        expect(info[key], key).toBeUndefined();
      const text = pdfText(out);
      for (const trace of ['/Encrypt', '/ID', '/Info', 'Hidden Author'])
        expect(text, trace).not.toContain(trace);
      // Decrypted, not copied as ciphertext: poppler draws the same page from both.
      expect(await pdfPixels(out)).toEqual(await pdfPixels(open));
      expect(await prepareAttachment(await encrypted('secret'), BOUNDS)).toEqual({
        ok: false,
        error: 'encrypted-pdf',
      });
    },
  );

  it.each(['RC4-128', 'AES-128'] as const)(
    'the same for a %s PDF written by hand by ISO 32000-1 7.6 (revision 3 or 4), not by the library',
    async (cipher) => {
      const open = handEncryptedPdf(cipher, '', 'ECG 12-lead', 'Dr. Hidden Author');
      expect(pdfInfo(open)).toMatchObject({ Author: 'Dr. Hidden Author' });
      expect(pdfInfo(open)['Encrypted']).toMatch(/^yes/);
      const out = await rewrite(open);
      expect(pdfInfo(out)['Encrypted']).toBe('no');
      expect(pdfInfo(out)['Author']).toBeUndefined();
      expect(await pdfPixels(out)).toEqual(await pdfPixels(open));
      const locked = handEncryptedPdf(cipher, 'secret', 'ECG 12-lead', 'Dr. Hidden Author');
      expect(await prepareAttachment(locked, BOUNDS)).toEqual({ ok: false, error: 'encrypted-pdf' });
    },
  );

  it('JPEG 2000 images (JPXDecode: a JP2 file, a bare codestream behind Flate) lose their metadata boxes and comments; the page looks the same', async () => {
    const ppm = samplePpm();
    let jp2 = insertBoxes(opjEncode(ppm, { comment: 'ScannerSN-4711' }), 2, [
      box('xml ', '<x:xmpmeta xmlns:x="adobe:ns:meta/">GPSLatitude 35,41.1234N</x:xmpmeta>'),
    ]);
    jp2 = Buffer.concat([
      jp2,
      box('uuid', Buffer.concat([Buffer.alloc(16, 0xb1), Buffer.from('GeoTIFF 35.6895')])),
    ]);
    const j2k = opjEncode(ppm, { codestream: true, comment: 'EncoderSN-4712' });
    const doc = await PDFDocument.create({ updateMetadata: false });
    const page = doc.addPage([120, 60]);
    const image = (data: Uint8Array, Filter: string | string[]) =>
      page.node.newXObject(
        'Im',
        doc.context.register(
          doc.context.stream(data, {
            Type: 'XObject',
            Subtype: 'Image',
            Width: 48,
            Height: 32,
            ColorSpace: 'DeviceRGB',
            BitsPerComponent: 8,
            Filter,
          }),
        ),
      );
    const first = image(jp2, 'JPXDecode');
    const second = image(deflateSync(j2k), ['FlateDecode', 'JPXDecode']);
    page.node.set(
      PDFName.of('Contents'),
      doc.context.register(
        doc.context.stream(
          `q 48 0 0 32 6 14 cm ${first.toString()} Do Q q 48 0 0 32 64 14 cm ${second.toString()} Do Q`,
        ),
      ),
    );
    const pdf = await doc.save({ useObjectStreams: false });
    const traces = ['GPSLatitude', 'xmpmeta', 'GeoTIFF', 'ScannerSN-4711', 'EncoderSN-4712'];
    for (const trace of traces) expect(pdfText(pdf), trace).toContain(trace);
    const out = await rewrite(pdf);
    const text = pdfText(out);
    for (const trace of traces) expect(text, trace).not.toContain(trace);
    // Both images stay JPEG 2000, the second written back under JPXDecode alone; poppler (OpenJPEG)
    // draws the same page from them.
    expect(pdfImageEncodings(out)).toEqual(['jpx', 'jpx']);
    expect(text).not.toMatch(/FlateDecode\s*\/JPXDecode/);
    const [before] = await pdfPixels(pdf);
    // The images are drawn (a gradient, not a blank page), and drawn the same.
    expect(new Set(before).size).toBeGreaterThan(50);
    expect(await pdfPixels(out)).toEqual([before]);
  });

  it('inline JPEGs in a page’s and a form’s content streams lose their EXIF; the page looks the same', async () => {
    const photo = await photoWithGps(48, 32);
    const inline = (x: number): Buffer =>
      Buffer.concat([
        Buffer.from(`q 48 0 0 32 ${x} 14 cm BI /W 48 /H 32 /CS /RGB /BPC 8 /F /DCT ID `, 'latin1'),
        photo,
        Buffer.from('\nEI Q\n', 'latin1'),
      ]);
    const doc = await PDFDocument.create({ updateMetadata: false });
    const page = doc.addPage([120, 60]);
    const form = doc.context.register(
      doc.context.flateStream(inline(0), { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 60, 60] }),
    );
    const name = page.node.newXObject('Fm', form);
    page.node.set(
      PDFName.of('Contents'),
      doc.context.register(
        doc.context.flateStream(
          Buffer.concat([inline(6), Buffer.from(`q 1 0 0 1 58 0 cm ${name.toString()} Do Q`)]),
        ),
      ),
    );
    const pdf = await doc.save({ useObjectStreams: false });
    for (const trace of ['Exif', 'TestCam', 'SN-4711']) expect(pdfText(pdf), trace).toContain(trace);
    const out = await rewrite(pdf);
    for (const trace of ['Exif', 'TestCam', 'EMS-Phone', 'SN-4711'])
      expect(pdfText(out), trace).not.toContain(trace);
    const [before] = await pdfPixels(pdf);
    expect(new Set(before).size).toBeGreaterThan(50);
    expect(await pdfPixels(out)).toEqual([before]);
  });

  it('an XMP stream reached under a damaged key (the image’s /Metadata with a byte changed) goes too', async () => {
    // Found by the damaged-PDF property below: the key no longer reads /Metadata, its XMP did travel.
    const damaged = Buffer.from(scan);
    const at = damaged.indexOf('/Metadata 14 0 R');
    expect(at).toBeGreaterThan(0);
    damaged[at + 1] = 0x01;
    const text = pdfText(await rewrite(new Uint8Array(damaged)));
    for (const trace of ['xmpmeta', '/Metadata']) expect(text, trace).not.toContain(trace);
  });

  it('refuses an encrypted, malformed or pageless PDF, or one whose JPEG does not parse, with a typed error', async () => {
    expect(await prepareAttachment(pdfFixture('encrypted.pdf'), BOUNDS)).toEqual({
      ok: false,
      error: 'encrypted-pdf',
    });
    const latin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
    expect(await prepareAttachment(latin1('%PDF-1.7\nnot a document at all\n'), BOUNDS)).toEqual({
      ok: false,
      error: 'unreadable-pdf',
    });
    const pageless = latin1(
      '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
    );
    expect(await prepareAttachment(pageless, BOUNDS)).toEqual({ ok: false, error: 'unreadable-pdf' });
    // The first image's JPEG loses its SOI (same length: the cross-reference table still holds).
    const broken = scan.slice();
    const soi = Buffer.from(broken).indexOf(Buffer.from([0xff, 0xd8, 0xff]));
    broken.set([0x20, 0x20], soi);
    expect(await prepareAttachment(broken, BOUNDS)).toEqual({ ok: false, error: 'unreadable-pdf' });
  });

  it('a damaged PDF (cut short, bytes changed) is refused or rewritten clean, never thrown on and never sent as it came', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 5, max: scan.byteLength }),
        fc.array(fc.tuple(fc.nat(scan.byteLength - 1), fc.nat(255)), { maxLength: 8 }),
        async (cut, changes) => {
          const damaged = scan.slice(0, cut);
          for (const [at, byte] of changes) if (at >= 5 && at < cut) damaged[at] = byte;
          const prepared = await prepareAttachment(damaged, BOUNDS);
          if (!prepared.ok) {
            expect(['unreadable-pdf', 'encrypted-pdf']).toContain(prepared.error);
            return;
          }
          // What the rewrite guarantees by construction, whatever a damaged file's pages point at: a
          // new trailer and catalog (no information dictionary, /ID or XMP), no /Metadata anywhere.
          const out = prepared.value.bytes;
          const info = pdfInfo(out);
          for (const key of ['Title', 'Author', 'Creator', 'Producer', 'CreationDate'])
            expect(info[key], key).toBeUndefined();
          expect(info['Metadata Stream']).toBe('no');
          const text = pdfText(out);
          // Not the orphan: a changed object number can make it the object a page points at
          // (found: `16 0 obj` cut to `6 0 obj`), and then it is what the page reaches.
          for (const trace of ['/Info', '/ID', '/Metadata', '4a1b2c3d4e5f'])
            expect(text, trace).not.toContain(trace);
        },
      ),
      { numRuns: 40 },
    );
  });
});
