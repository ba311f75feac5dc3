import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { ROOT } from './paths.js';

/**
 * Independent readers of a PDF for the attachment tests: the raw bytes with every Flate stream
 * inflated by zlib (object streams included, so a dictionary packed in one is searched too), and
 * poppler's pdfinfo, pdfimages and pdftoppm (Debian poppler-utils, installed by .ci/run), none of
 * which shares code with the PDF library the tablet rewrites with.
 */

export const pdfFixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(`${ROOT}test/fixtures/pdf/${name}`));

/** The file's bytes and each of its streams inflated, as one latin1 string to search. */
export const pdfText = (pdf: Uint8Array): string => {
  const raw = Buffer.from(pdf).toString('latin1');
  const inflated = [...raw.matchAll(/stream\r?\n([\s\S]*?)endstream/g)].flatMap((m) => {
    try {
      return [inflateSync(Buffer.from(m[1] ?? '', 'latin1')).toString('latin1')];
    } catch {
      return [];
    }
  });
  return [raw, ...inflated].join('\n');
};

/** Runs `f` with the PDF written to a fresh folder, removed after. */
const withFile = <T>(pdf: Uint8Array, f: (file: string, dir: string) => T): T => {
  const dir = mkdtempSync(join(tmpdir(), 'pdf-read-'));
  try {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    return f(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** pdfinfo's `Key: value` lines (the document information dictionary, page count, JavaScript...). */
export const pdfInfo = (pdf: Uint8Array): Record<string, string> =>
  withFile(pdf, (file) =>
    Object.fromEntries(
      execFileSync('pdfinfo', [file], { encoding: 'utf8' })
        .split('\n')
        .flatMap((line) => {
          const m = /^([^:]+):\s*(.*)$/.exec(line);
          return m === null ? [] : [[m[1]!, m[2]!]];
        }),
    ),
  );

/** The XMP metadata pdfinfo finds on the catalog (empty when there is none). */
export const pdfXmp = (pdf: Uint8Array): string =>
  withFile(pdf, (file) => execFileSync('pdfinfo', ['-meta', file], { encoding: 'utf8' }));

/** The page's images as stored (pdfimages -j writes DCTDecode streams out as .jpg files, verbatim). */
export const pdfJpegs = (pdf: Uint8Array): Buffer[] =>
  withFile(pdf, (file, dir) => {
    execFileSync('pdfimages', ['-j', file, join(dir, 'img')]);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .map((f) => readFileSync(join(dir, f)));
  });

/** Each image's encoding as `pdfimages -list` names it (image, jpeg, jpx, jbig2, ccitt), page by page. */
export const pdfImageEncodings = (pdf: Uint8Array): string[] =>
  withFile(pdf, (file) =>
    execFileSync('pdfimages', ['-list', file], { encoding: 'utf8', stdio: 'pipe' })
      .split('\n')
      .slice(2)
      .flatMap((line) => {
        const columns = line.trim().split(/\s+/);
        return columns.length > 8 ? [columns[8]!] : [];
      }),
  );

/** Every page rendered by poppler (72 dpi), as raw RGB pixels. */
export const pdfPixels = async (pdf: Uint8Array): Promise<Buffer[]> => {
  const pngs = withFile(pdf, (file, dir) => {
    // poppler's warnings (e.g. a bare JPEG 2000 codestream tried as a JP2 file first) stay out of the
    // test output; an error still throws with them.
    execFileSync('pdftoppm', ['-r', '72', '-png', file, join(dir, 'page')], { stdio: 'pipe' });
    return readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort()
      .map((f) => readFileSync(join(dir, f)));
  });
  return Promise.all(pngs.map((png) => sharp(png).removeAlpha().raw().toBuffer()));
};
