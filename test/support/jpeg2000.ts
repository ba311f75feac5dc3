import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * JPEG 2000 for the attachment tests, by OpenJPEG's own tools (Debian libopenjp2-tools, installed by
 * .ci/run), which share no code with the tablet's box walk: an encoder that writes a JP2 file or a
 * bare codestream (with a COM segment, tiles, tile-parts and a TLM index when asked), a decoder
 * whose pixels show a rewritten image is still the same, and the boxes and marker segments of
 * ISO/IEC 15444-1 (Annex I, Annex A) written and read by hand, to plant metadata where encoders and
 * geospatial tools put it.
 */

const withDir = <T>(f: (dir: string) => T): T => {
  const dir = mkdtempSync(join(tmpdir(), 'jp2-'));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** A small RGB picture with a gradient, as a binary PPM (P6). */
export const samplePpm = (width = 48, height = 32): Buffer => {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      px.set([(x * 5) % 256, (y * 7) % 256, (x * y) % 256], (y * width + x) * 3);
  return Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), px]);
};

export interface EncodeOptions {
  /** A bare codestream (.j2k) instead of a JP2 file. */
  readonly codestream?: boolean;
  /** The text of a COM segment in the main header (opj_compress -C). */
  readonly comment?: string;
  /** Tiles of this size, in three resolution levels, each its own tile-part, with a TLM index. */
  readonly tile?: number;
}

/** The PPM encoded losslessly by opj_compress. */
export const opjEncode = (ppm: Buffer, o: EncodeOptions = {}): Uint8Array =>
  withDir((dir) => {
    const out = join(dir, o.codestream === true ? 'out.j2k' : 'out.jp2');
    writeFileSync(join(dir, 'in.ppm'), ppm);
    execFileSync(
      'opj_compress',
      [
        ...['-i', join(dir, 'in.ppm'), '-o', out],
        ...(o.comment === undefined ? [] : ['-C', o.comment]),
        ...(o.tile === undefined ? [] : ['-t', `${o.tile},${o.tile}`, '-n', '3', '-TP', 'R', '-TLM']),
      ],
      { stdio: 'pipe' },
    );
    return new Uint8Array(readFileSync(out));
  });

/** The image's pixels as opj_decompress writes them (a PPM), or the error it stopped with. */
export const opjDecode = (image: Uint8Array): Buffer =>
  withDir((dir) => {
    const codestream = image[0] === 0xff && image[1] === 0x4f;
    const input = join(dir, codestream ? 'in.j2k' : 'in.jp2');
    writeFileSync(input, image);
    execFileSync('opj_decompress', ['-i', input, '-o', join(dir, 'out.ppm')], { stdio: 'pipe' });
    return readFileSync(join(dir, 'out.ppm'));
  });

/** A box (I.4): LBox, TBox, content. */
export const box = (type: string, content: Uint8Array | string): Uint8Array => {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const out = Buffer.alloc(8 + body.length);
  out.writeUInt32BE(8 + body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  return out;
};

export interface Box {
  readonly type: string;
  readonly at: number;
  readonly end: number;
  /** Where its content starts. */
  readonly content: number;
}

/** The boxes from `start` to `end`, by their headers alone (LBox 1: XLBox; LBox 0: to the end). */
export const boxes = (b: Uint8Array, start = 0, end = b.length): Box[] => {
  const view = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out: Box[] = [];
  for (let i = start; i < end;) {
    const lbox = view.readUInt32BE(i);
    const type = view.toString('latin1', i + 4, i + 8);
    const content = lbox === 1 ? i + 16 : i + 8;
    const boxEnd = lbox === 1 ? i + Number(view.readBigUInt64BE(i + 8)) : lbox === 0 ? end : i + lbox;
    out.push({ type, at: i, end: boxEnd, content });
    i = boxEnd;
  }
  return out;
};

/** `file` with `inserted` placed before its top-level box number `index`. */
export const insertBoxes = (file: Uint8Array, index: number, inserted: readonly Uint8Array[]): Uint8Array => {
  const at = boxes(file)[index]?.at ?? file.length;
  return Buffer.concat([file.subarray(0, at), ...inserted, file.subarray(at)]);
};

/** `file` with `inserted` appended inside its superbox `type` (its LBox grown to match). */
export const insertIntoSuperbox = (
  file: Uint8Array,
  type: string,
  inserted: readonly Uint8Array[],
): Uint8Array => {
  const target = boxes(file).find((x) => x.type === type);
  if (target === undefined) throw new Error(`no ${type} box`);
  const grown = Buffer.concat([file.subarray(target.at, target.end), ...inserted]);
  grown.writeUInt32BE(grown.length, 0);
  return Buffer.concat([file.subarray(0, target.at), grown, file.subarray(target.end)]);
};

/** Marker segments of a codestream (Annex A): each marker's offset, with SOT's Psot. */
export interface Segment {
  readonly marker: number;
  readonly at: number;
  readonly end: number;
}

/** The main header's and tile-part headers' segments, walked by Lmar and Psot, to EOC. */
export const segments = (cs: Uint8Array): Segment[] => {
  const v = Buffer.from(cs.buffer, cs.byteOffset, cs.byteLength);
  const out: Segment[] = [{ marker: 0xff4f, at: 0, end: 2 }];
  let i = 2;
  let tileEnd = 0;
  while (i + 2 <= v.length) {
    const marker = v.readUInt16BE(i);
    if (marker === 0xffd9) {
      out.push({ marker, at: i, end: i + 2 });
      break;
    }
    if (marker === 0xff93) {
      out.push({ marker, at: i, end: i + 2 });
      i = tileEnd;
      continue;
    }
    const end = i + 2 + v.readUInt16BE(i + 2);
    if (marker === 0xff90) {
      const psot = v.readUInt32BE(i + 6);
      tileEnd = psot === 0 ? v.length - 2 : i + psot;
    }
    out.push({ marker, at: i, end });
    i = end;
  }
  return out;
};

/** A COM segment (A.9.2) with Latin-1 text (Rcom 1). */
export const comSegment = (text: string): Uint8Array => {
  const body = Buffer.from(text, 'latin1');
  const out = Buffer.alloc(6 + body.length);
  out.writeUInt16BE(0xff64, 0);
  out.writeUInt16BE(4 + body.length, 2);
  out.writeUInt16BE(1, 4);
  out.set(body, 6);
  return out;
};

/**
 * The codestream with a COM segment in its first tile-part's header, as an encoder may write one:
 * right after SOT, that tile-part's Psot and its TLM entry (A.7.1, when there is one) grown by the
 * segment's length, so the file stays valid as it is.
 */
export const withTilePartComment = (cs: Uint8Array, text: string): Uint8Array => {
  const segs = segments(cs);
  const sot = segs.find((s) => s.marker === 0xff90);
  if (sot === undefined) throw new Error('no SOT');
  const com = comSegment(text);
  const out = Buffer.concat([cs.subarray(0, sot.end), com, cs.subarray(sot.end)]);
  const psot = out.readUInt32BE(sot.at + 6);
  if (psot !== 0) out.writeUInt32BE(psot + com.length, sot.at + 6);
  const tlm = segs.find((s) => s.marker === 0xff55);
  if (tlm !== undefined) {
    // Ztlm, Stlm (ST: the size of Ttlm in bytes, SP: Ptlm 16 or 32 bits), then the first entry.
    const stlm = out[tlm.at + 5]!;
    const ptlmAt = tlm.at + 6 + ((stlm >> 4) & 3);
    if (((stlm >> 6) & 1) === 1) out.writeUInt32BE(out.readUInt32BE(ptlmAt) + com.length, ptlmAt);
    else out.writeUInt16BE(out.readUInt16BE(ptlmAt) + com.length, ptlmAt);
  }
  return out;
};
