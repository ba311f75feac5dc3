import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { medicalRecord, type MedicalRecord } from '../../src/sim/records/index.js';

/** The first active holder (from 0) of the population who takes a drug whose ATC code matches. */
export const holderTaking = (seed: number, atc: RegExp, from = 0): MedicalRecord => {
  for (let i = from; i < 2000; i++) {
    const record = medicalRecord(seed, i);
    if (record.status === 'active' && record.medications.some((m) => atc.test(m.drug.atc))) return record;
  }
  throw new Error(`no holder taking ${String(atc)}`);
};

/** Vitamin K antagonists and direct oral anticoagulants (ATC B01AA, B01AE, B01AF): the anticoagulant flag. */
export const ANTICOAGULANT = /^B01A[AEF]/;

export interface SymbolPart {
  readonly bytes: Uint8Array;
  readonly sequence: number;
  readonly parity: number;
}

/**
 * A payload cut into `n` structured-append symbols (ISO/IEC 18004: position in the high nibble of the
 * sequence byte, total less one in the low nibble, parity the XOR of every data byte), as a decoder
 * reports them. Cuts fall anywhere, also inside a Shift_JIS character.
 */
export const structuredAppendParts = (bytes: Uint8Array, n: number): SymbolPart[] => {
  const parity = bytes.reduce((x, b) => x ^ b, 0);
  const size = Math.ceil(bytes.length / n);
  return Array.from({ length: n }, (_, i) => ({
    bytes: bytes.slice(i * size, (i + 1) * size),
    sequence: (i << 4) | (n - 1),
    parity,
  }));
};

/** The JSON body part of one code as the tablet's script posts it. */
export const posted = (code: { bytes: Uint8Array; sequence?: number; parity?: number }) => ({
  bytes: Buffer.from(code.bytes).toString('base64'),
  ...(code.sequence === undefined ? {} : { sequence: code.sequence, parity: code.parity }),
});

/**
 * Structured-append QR symbols of a payload, by Debian's qrencode (`-S` needs a fixed version `-v`;
 * `-8` byte mode, the bytes from stdin): `dir/base-01.png`, `base-02.png`, … in symbol order.
 */
export const qrencodeSet = (bytes: Uint8Array, version: number, dir: string): string[] => {
  const run = spawnSync(
    'qrencode',
    ['-S', '-v', String(version), '-8', '-s', '6', '-o', join(dir, 'base.png')],
    {
      input: bytes,
    },
  );
  if (run.status !== 0) throw new Error(`qrencode failed: ${run.stderr.toString()}`);
  return readdirSync(dir)
    .filter((f) => /^base-\d+\.png$/.test(f))
    .sort()
    .map((f) => join(dir, f));
};

/** One QR code of the bytes in byte mode (the `qrcode` package), as a PNG file. */
export const qrcodePng = async (bytes: Uint8Array, file: string): Promise<string> => {
  await QRCode.toFile(file, [{ data: Buffer.from(bytes), mode: 'byte' }], {
    scale: 4,
    margin: 4,
    errorCorrectionLevel: 'M',
  });
  return file;
};

/**
 * A Y4M video (YUV 4:2:0, the format Chromium's fake capture device reads) showing each image in
 * turn, `framesEach` frames per image, centred on white. Chromium loops the file.
 */
export const y4mVideo = async (
  images: readonly string[],
  file: string,
  options: { readonly width?: number; readonly height?: number; readonly framesEach?: number } = {},
): Promise<string> => {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const side = Math.min(width, height) - 40;
  const frames: Buffer[] = [];
  for (const image of images) {
    const qr = await sharp(image)
      .resize(side, side, { fit: 'contain', kernel: 'nearest', background: '#fff' })
      .toBuffer();
    const { data } = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
      .composite([{ input: qr, gravity: 'centre' }])
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const frame = yuv420(data, width, height);
    for (let i = 0; i < (options.framesEach ?? 6); i++) frames.push(Buffer.from('FRAME\n'), frame);
  }
  writeFileSync(
    file,
    Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F5:1 Ip A1:1 C420jpeg\n`), ...frames]),
  );
  return file;
};

/** RGB (8-bit, packed) → planar YUV 4:2:0, full range (JFIF / C420jpeg), chroma averaged over 2×2. */
const yuv420 = (rgb: Buffer, width: number, height: number): Buffer => {
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  const at = (x: number, row: number, c: number): number => rgb[(row * width + x) * 3 + c] ?? 0;
  for (let row = 0; row < height; row++)
    for (let x = 0; x < width; x++)
      y[row * width + x] = Math.round(0.299 * at(x, row, 0) + 0.587 * at(x, row, 1) + 0.114 * at(x, row, 2));
  for (let row = 0; row < height; row += 2)
    for (let x = 0; x < width; x += 2) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        r += at(x + dx, row + dy, 0) / 4;
        g += at(x + dx, row + dy, 1) / 4;
        b += at(x + dx, row + dy, 2) / 4;
      }
      const i = (row / 2) * (width / 2) + x / 2;
      u[i] = Math.max(0, Math.min(255, Math.round(-0.1687 * r - 0.3313 * g + 0.5 * b + 128)));
      v[i] = Math.max(0, Math.min(255, Math.round(0.5 * r - 0.4187 * g - 0.0813 * b + 128)));
    }
  return Buffer.concat([y, u, v]);
};
