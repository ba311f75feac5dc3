// Writes the PDF fixtures of test/fixtures/pdf/ (README.md there says what each carries):
//   node test/support/make-pdf-fixtures.mjs
// The PDF with metadata is written byte by byte here (ISO 32000-1 §7.5: header, numbered objects,
// cross-reference table, trailer), not by the PDF library the tablet uses, so the tests read the
// library's output against a file it did not make. Its JPEGs come from sharp, with an EXIF block
// (GPS position, camera make, model and serial) as a phone's scanner app leaves it.
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { URL } from 'node:url';
import { deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from '@cantoo/pdf-lib';
import sharp from 'sharp';

const dir = new URL('../fixtures/pdf/', import.meta.url);

/** A smooth RGB picture (a scanned sheet: light paper, darker bands), as a JPEG with EXIF. */
const photo = async (width, height, serial) => {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const band = Math.floor(y / 20) % 2 === 0 ? 235 : 200;
      raw[i] = band - (x % 50);
      raw[i + 1] = band - (y % 40);
      raw[i + 2] = band;
    }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'EMS-Phone 9', ImageDescription: `device serial ${serial}` },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '35/1 41/1 2245/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '139/1 41/1 3045/100',
      },
    })
    .toBuffer();
};

const xmp = (about, creator, extra) =>
  `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/">
<dc:creator><rdf:Seq><rdf:li>${creator}</rdf:li></rdf:Seq></dc:creator>
<xmp:CreatorTool>ScanPhone App 3.2 (${about})</xmp:CreatorTool>${extra}
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`;

/** A PDF file from its objects (numbered from 1), with a classic cross-reference table. */
const pdfFile = (objects, trailer) => {
  const parts = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let at = parts[0].length;
  const offsets = [];
  objects.forEach((body, i) => {
    const chunk = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    offsets.push(at);
    at += chunk.length;
    parts.push(chunk);
  });
  const xref = [
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`,
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`),
    `trailer\n<< /Size ${objects.length + 1} ${trailer} >>\nstartxref\n${at}\n%%EOF\n`,
  ].join('');
  return Buffer.concat([...parts, Buffer.from(xref, 'latin1')]);
};

const stream = (dict, data) =>
  Buffer.concat([
    Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream', 'latin1'),
  ]);

const text = (s) => Buffer.from(s, 'latin1');

/**
 * A one-page scanned medication list as a phone's scanner app writes it, with metadata everywhere a
 * PDF keeps it: the document information dictionary (trailer /Info: author, creator, producer,
 * title, dates, a custom device serial), XMP on the catalog, the page and an image, an image
 * XObject whose JPEG has EXIF GPS (and a second one behind [/FlateDecode /DCTDecode]), a square
 * annotation signed by its author (/T, /M, /CreationDate, /NM, /Contents) with its popup, page
 * /PieceInfo and /LastModified, a JavaScript /OpenAction, an embedded file, an object nothing
 * points at, and the trailer's /ID.
 */
const withMetadata = async () => {
  const im1 = await photo(240, 160, 'SN-4711');
  const im2 = await photo(120, 80, 'SN-4712');
  const content = text(
    [
      'q 240 0 0 160 30 200 cm /Im1 Do Q',
      'q 120 0 0 80 150 100 cm /Im2 Do Q',
      'BT /F1 18 Tf 30 370 Td (MEDICATION LIST) Tj ET',
      'BT /F1 10 Tf 30 60 Td (Amlodipine 5 mg once daily) Tj ET',
    ].join('\n'),
  );
  const date = "(D:20261130093015+09'00')";
  const objects = [
    /* 1 */ '<< /Type /Catalog /Pages 2 0 R /Metadata 10 0 R /OpenAction 12 0 R ' +
      '/Names << /EmbeddedFiles << /Names [(notes.txt) 13 0 R] >> /JavaScript << /Names [(track) 12 0 R] >> >> >>',
    /* 2 */ '<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 300 400] >>',
    /* 3 */ '<< /Type /Page /Parent 2 0 R /Resources << /XObject << /Im1 5 0 R /Im2 18 0 R >> ' +
      '/Font << /F1 6 0 R >> >> /Contents 4 0 R /Annots [7 0 R 8 0 R] /Metadata 11 0 R ' +
      `/PieceInfo << /ScanPhone << /Private (scanner SN-PDF-4711) /LastModified ${date} >> >> ` +
      `/LastModified ${date} >>`,
    /* 4 */ stream('', content),
    /* 5 */ stream(
      '/Type /XObject /Subtype /Image /Width 240 /Height 160 /ColorSpace /DeviceRGB ' +
        '/BitsPerComponent 8 /Filter /DCTDecode /Metadata 14 0 R',
      im1,
    ),
    /* 6 */ '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    /* 7 */ '<< /Type /Annot /Subtype /Square /Rect [20 340 200 395] /F 4 /C [1 0 0] ' +
      `/T (Dr. Hidden Author) /M ${date} /CreationDate ${date} /NM (annot-uid-4711) ` +
      '/Contents (private remark about the patient) /AP << /N 9 0 R >> /Popup 8 0 R >>',
    /* 8 */ '<< /Type /Annot /Subtype /Popup /Parent 7 0 R /Rect [200 300 290 390] /Open false >>',
    /* 9 */ stream('/Type /XObject /Subtype /Form /BBox [0 0 180 55]', text('1 0 0 RG 3 w 2 2 176 51 re S')),
    /* 10 */ stream(
      '/Type /Metadata /Subtype /XML',
      text(
        xmp(
          'catalog',
          'Dr. Hidden Author',
          '\n<exif:GPSLatitude>35,41.3742N</exif:GPSLatitude><exif:GPSLongitude>139,41.5075E</exif:GPSLongitude>',
        ),
      ),
    ),
    /* 11 */ stream('/Type /Metadata /Subtype /XML', text(xmp('page', 'Dr. Hidden Author', ''))),
    /* 12 */ "<< /Type /Action /S /JavaScript /JS (app.alert\\('tracking-script'\\)) >>",
    /* 13 */ '<< /Type /Filespec /F (notes.txt) /EF << /F 15 0 R >> >>',
    /* 14 */ stream('/Type /Metadata /Subtype /XML', text(xmp('image', 'Dr. Hidden Author', ''))),
    /* 15 */ stream('/Type /EmbeddedFile', text('SECRET-EMBEDDED-NOTE')),
    /* 16 */ '<< /Secret (ORPHAN-OBJECT-SECRET) >>',
    /* 17 */ '<< /Author (Dr. Hidden Author) /Creator (ScanPhone App 3.2) /Producer (ScanPhone PDF Kit) ' +
      `/Title (Medication list of Taro Shiken) /Subject (scan) /Keywords (patient) /CreationDate ${date} ` +
      `/ModDate ${date} /DeviceSerial (SN-PDF-4711) >>`,
    /* 18 */ stream(
      '/Type /XObject /Subtype /Image /Width 120 /Height 80 /ColorSpace /DeviceRGB ' +
        '/BitsPerComponent 8 /Filter [/FlateDecode /DCTDecode]',
      deflateSync(im2),
    ),
  ];
  return pdfFile(
    objects,
    '/Root 1 0 R /Info 17 0 R /ID [<4a1b2c3d4e5f60718293a4b5c6d7e8f9> <4a1b2c3d4e5f60718293a4b5c6d7e8f9>]',
  );
};

/**
 * A page with layers (optional content, ISO 32000-1 §8.11): one shown, one hidden by the default
 * configuration, with text and a rectangle in each and an annotation in each; the hidden group's
 * /Usage names a person (/User) and an application, as the configuration's /Creator and /Name do.
 */
const withLayers = () => {
  const content = text(
    [
      'BT /F1 14 Tf 20 170 Td (ALWAYS SHOWN) Tj ET',
      '/OC /L1 BDC 0 0.6 0 rg 20 100 60 30 re f BT /F1 10 Tf 20 140 Td (IN THE SHOWN LAYER) Tj ET EMC',
      '/OC /L2 BDC 0 0 1 rg 120 100 60 30 re f BT /F1 10 Tf 120 140 Td (IN THE HIDDEN LAYER) Tj ET EMC',
    ].join('\n'),
  );
  const usage =
    '/Usage << /CreatorInfo << /Creator (LayerApp Pro) /Subtype /Artwork >> /User << /Type /Ind /Name (Dr. Layer Owner) >> >>';
  const objects = [
    /* 1 */ '<< /Type /Catalog /Pages 2 0 R /OCProperties << /OCGs [4 0 R 5 0 R] ' +
      '/D << /Name (Layers of Dr. Layer Owner) /Creator (LayerApp Pro) /ON [4 0 R] /OFF [5 0 R] /Order [4 0 R 5 0 R] ' +
      '/AS [<< /Event /View /Category [/User] /OCGs [4 0 R 5 0 R] >>] >> >> >>',
    /* 2 */ '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    /* 3 */ '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 6 0 R /Annots [8 0 R 10 0 R] ' +
      '/Resources << /Font << /F1 7 0 R >> /Properties << /L1 4 0 R /L2 5 0 R >> >> >>',
    /* 4 */ `<< /Type /OCG /Name (Notes) ${usage.replace('Dr. Layer Owner', 'Dr. Layer Owner 2')} >>`,
    /* 5 */ `<< /Type /OCG /Name (Draft marks) ${usage} >>`,
    /* 6 */ stream('', content),
    /* 7 */ '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    /* 8 */ '<< /Type /Annot /Subtype /Square /Rect [20 40 80 70] /F 4 /OC 4 0 R /T (Dr. Layer Owner) /AP << /N 9 0 R >> >>',
    /* 9 */ stream('/Type /XObject /Subtype /Form /BBox [0 0 60 30]', text('0 0.5 0 RG 3 w 2 2 56 26 re S')),
    /* 10 */ '<< /Type /Annot /Subtype /Square /Rect [120 40 180 70] /F 4 /OC 5 0 R /T (Dr. Layer Owner) /AP << /N 11 0 R >> >>',
    /* 11 */ stream('/Type /XObject /Subtype /Form /BBox [0 0 60 30]', text('1 0 0 RG 3 w 2 2 56 26 re S')),
  ];
  return pdfFile(objects, '/Root 1 0 R');
};

/** A password-protected PDF (AES-256, ISO 32000-2 §7.6.4), as the tablet cannot open it. */
const encrypted = async () => {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([300, 200]);
  page.drawText('PROTECTED ECG REPORT', {
    x: 20,
    y: 100,
    font: await doc.embedFont(StandardFonts.Helvetica),
  });
  doc.encrypt({ userPassword: 'secret', ownerPassword: 'owner' });
  return doc.save();
};

writeFileSync(new URL('scan-with-metadata.pdf', dir), await withMetadata());
writeFileSync(new URL('layers.pdf', dir), withLayers());
writeFileSync(new URL('encrypted.pdf', dir), await encrypted());
