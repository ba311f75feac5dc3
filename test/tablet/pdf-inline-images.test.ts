import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { stripJpegMetadata } from '../../src/roles/tablet/jpeg-strip.js';
import { stripInlineJpegs } from '../../src/roles/tablet/pdf-inline-images.js';
import { photoWithGps } from '../support/feed/attachment-sample.js';

const bytes = (...parts: (string | Uint8Array)[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const TRACES = ['Exif', 'TestCam', 'EMS-Phone', 'SN-4711'];

let photo: Buffer;
let stripped: Uint8Array;
beforeAll(async () => {
  photo = await photoWithGps(24, 16);
  const s = stripJpegMetadata(photo);
  if (!s.ok) throw new Error(s.error);
  stripped = s.value;
});

/** Samples of an unfiltered inline image, chosen to look like what the stream's reader must not take them for. */
const TRICKY_SAMPLES = ' EI BI ID /F /DCT ID ';

describe('inline JPEGs in content streams (ISO 32000-1 8.9.7) lose their metadata (issue 16)', () => {
  it('strips each inline JPEG, under /DCT or [/DCTDecode], rewrites its /L, and leaves every other byte as it was', () => {
    const content = (jpeg: Uint8Array, length: number): Buffer =>
      bytes(
        'q BT /F1 12 Tf (a string with BI /F /DCT ID \\( inside) Tj ET % a comment: BI /F /DCT ID\n',
        // An unfiltered RGB image whose samples read like operators: stepped over by its size.
        `BI /W ${TRICKY_SAMPLES.length / 3} /H 1 /CS /RGB /BPC 8 ID `,
        TRICKY_SAMPLES,
        '\nEI\n',
        // A fax-coded image with its parameters in a dictionary, its data ending at the first EI.
        'BI /W 8 /H 2 /IM true /F /CCF /DP << /K -1 /Columns 8 /Sub << /X [1 2] >> >> ID ',
        Buffer.from([0x26, 0xa0, 0x00, 0x10]),
        ' EI\n',
        // No ID before the next operator: not an image, read on.
        'BI /W 1 (x) Tj\n',
        'q 24 0 0 16 0 0 cm BI /W 24 /H 16 /CS /RGB /BPC 8 /F /DCT ID ',
        jpeg,
        '\nEI Q\n',
        `q 24 0 0 16 30 0 cm BI /Width 24 /Height 16 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter [/DCTDecode] /L ${length} ID `,
        jpeg,
        ' EI Q\nQ\n',
      );
    const given = content(photo, photo.length);
    for (const trace of TRACES) expect(latin1(given), trace).toContain(trace);
    const out = stripInlineJpegs(given);
    expect(out.ok).toBe(true);
    if (!out.ok || out.value === undefined) throw new Error('not stripped');
    for (const trace of TRACES) expect(latin1(out.value), trace).not.toContain(trace);
    expect(Buffer.from(out.value)).toEqual(content(stripped, stripped.length));
  });

  it('a content stream without an inline JPEG is left as it came (no rewrite)', () => {
    for (const content of [
      bytes('q 1 0 0 1 0 0 cm 0 0 10 10 re f Q\n'),
      bytes('BI /W 1 /H 1 /CS /G /BPC 8 /F /AHx ID 7f> EI\n(BI /F /DCT ID) Tj'),
      bytes('BI /W 2 /H 2 /BPC 1 /IM true /F /Fl ID ', Buffer.from([0x78, 0x9c, 0x45, 0x49]), ' EI Q'),
      bytes(''),
    ])
      expect(stripInlineJpegs(content)).toEqual({ ok: true, value: undefined });
  });

  it('refuses an inline JPEG it cannot strip: under another filter too, not a JPEG, or no EI after it', () => {
    expect(stripInlineJpegs(bytes('BI /W 1 /H 1 /F [/A85 /DCT] ID s8W-!~> EI'))).toEqual({
      ok: false,
      error: 'inline-jpeg-filtered',
    });
    expect(stripInlineJpegs(bytes('BI /W 24 /H 16 /F /DCT ID notajpeg EI'))).toEqual({
      ok: false,
      error: 'inline-jpeg-unreadable',
    });
    expect(stripInlineJpegs(bytes('BI /W 24 /H 16 /F /DCT ID ', photo, ' Q'))).toEqual({
      ok: false,
      error: 'inline-jpeg-unreadable',
    });
    expect(stripInlineJpegs(bytes('BI /W 24 /H 16 /F /DCT ID ', photo.subarray(0, 200)))).toEqual({
      ok: false,
      error: 'inline-jpeg-unreadable',
    });
  });

  it('property: among any operators, strings, comments and unfiltered inline images, every inline JPEG and only it is stripped', () => {
    const text = fc.string({ unit: fc.constantFrom(...'BIDEQ qf()\\%/ 0129\n'.split('')), maxLength: 24 });
    const literal = text.map((s) => `(${s.replace(/[()\\]/g, (c) => `\\${c}`)}) Tj\n`);
    const comment = text.map((s) => `%${s.replace(/[\r\n]/g, ' ')}\n`);
    const operator = fc.constantFrom(
      'q\n',
      'Q\n',
      '1 0 0 1 5 5 cm\n',
      '/F1 9 Tf\n',
      '[(x) 3 (y)] TJ\n',
      '<4249> Tj\n',
      '<< /MCID 3 >> BDC EMC\n',
      'BI /W 8 /H 2 /IM true /F /CCF /DP << /K -1 /Columns 8 >> ID &\xa0\x00\x10 EI\n',
      'BI /W 1 (not an image) Tj\n',
    );
    const raw = fc
      .uint8Array({ minLength: 3, maxLength: 30 })
      .map((s) => s.subarray(0, s.length - (s.length % 3)))
      .map((s) => ({ given: bytes(`BI /W ${s.length / 3} /H 1 /CS /RGB /BPC 8 ID `, s, '\nEI\n') }));
    const part = fc.oneof(
      literal.map((s) => ({ given: bytes(s) })),
      comment.map((s) => ({ given: bytes(s) })),
      operator.map((s) => ({ given: bytes(s) })),
      raw,
      fc.constant({ inline: true as const }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), (parts) => {
        const build = (jpeg: Uint8Array): Buffer =>
          bytes(
            ...parts.map((p) =>
              'inline' in p ? bytes('BI /W 24 /H 16 /CS /RGB /BPC 8 /F /DCT ID ', jpeg, ' EI\n') : p.given,
            ),
          );
        const out = stripInlineJpegs(build(photo));
        const inlines = parts.filter((p) => 'inline' in p).length;
        expect(out.ok).toBe(true);
        if (!out.ok) return;
        if (inlines === 0) expect(out.value).toBeUndefined();
        else expect(Buffer.from(out.value ?? [])).toEqual(build(stripped));
      }),
    );
  });

  it('property: any bytes give a stream, nothing to do, or a typed error; never a throw', () => {
    const alphabet = fc.constantFrom(
      ...['BI ', 'ID ', ' EI', '/F /DCT ', '(', ')', '%', '\n', '<', '>', '[', ']', '/L 5 '],
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(alphabet, fc.string({ maxLength: 4 })), { maxLength: 30 }), (pieces) => {
        const out = stripInlineJpegs(bytes(...pieces));
        if (!out.ok) expect(['inline-jpeg-filtered', 'inline-jpeg-unreadable']).toContain(out.error);
      }),
      { numRuns: 500 },
    );
  });
});
