import {
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  QRCodeReader,
  RGBLuminanceSource,
  ResultMetadataType,
} from '@zxing/library';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { okusuriTechoBundles, parseSummaryBytes, readOkusuriTecho } from '../src/records/index.js';
import { type Medication } from '../src/summary/index.js';
import { medicalRecord, okusuriTechoPayload } from '../src/sim/records/index.js';
import { percentile, type BenchReport } from './report.js';

/** The demo's population; the first holders who take something, one お薬手帳 QR each. */
const SEED = 1;
const HOLDERS = 8;
const ROUNDS = 20;
/** A tablet's rear camera at 720p: the code fills about half the frame's height, on a grey desk. */
const FRAME = { width: 1280, height: 720, code: 360 } as const;

interface Frame {
  readonly rgba: Uint8Array;
  readonly drugs: number;
  readonly bytes: number;
}

const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.TRY_HARDER, true]]);

/** The tablet script's decode (qr-script.ts) in Node: RGBA → luminance (BT.601) → ZXing → raw bytes. */
const decode = (rgba: Uint8Array): Uint8Array | undefined => {
  const lum = new Uint8ClampedArray(FRAME.width * FRAME.height);
  for (let i = 0, p = 0; p < lum.length; i += 4, p += 1)
    lum[p] = ((rgba[i] ?? 0) * 77 + (rgba[i + 1] ?? 0) * 150 + (rgba[i + 2] ?? 0) * 29) >> 8;
  try {
    const source = new RGBLuminanceSource(lum, FRAME.width, FRAME.height);
    const result = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints);
    const segments = result.getResultMetadata().get(ResultMetadataType.BYTE_SEGMENTS) as
      Uint8Array[] | undefined;
    return segments === undefined ? undefined : Buffer.concat(segments);
  } catch {
    return undefined;
  }
};

/** Decoded bytes → the medication list the crew previews (records parser, drug classification). */
const medications = (bytes: Uint8Array): readonly Medication[] | undefined => {
  const read = readOkusuriTecho([{ bytes }]);
  if (!read.ok) return undefined;
  const summary = parseSummaryBytes(
    okusuriTechoBundles(read.value).map((b) => new TextEncoder().encode(JSON.stringify(b))),
  );
  return summary.medications.status === 'available' ? summary.medications.items : undefined;
};

const frameOf = async (payload: Uint8Array): Promise<Uint8Array> => {
  const png = await QRCode.toBuffer([{ data: Buffer.from(payload), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    margin: 4,
    scale: 4,
  });
  const code = await sharp(png).resize(FRAME.code, FRAME.code, { kernel: 'nearest' }).toBuffer();
  const { data } = await sharp({
    create: { width: FRAME.width, height: FRAME.height, channels: 4, background: '#b8b8b0' },
  })
    .composite([{ input: code, left: 380, top: 180 }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
};

const frames = async (): Promise<{ frames: Frame[]; missed: number }> => {
  const out: Frame[] = [];
  let missed = 0;
  const today = new Date().toISOString().slice(0, 10);
  for (let index = 0; out.length < HOLDERS && index < 200; index++) {
    const record = medicalRecord(SEED, index);
    if (record.status !== 'active' || record.medications.length === 0) continue;
    const payload = okusuriTechoPayload(record, { dispensedOn: today });
    const rgba = await frameOf(payload);
    // A frame ZXing cannot read at this size is counted, not measured (the tablet tries other scales).
    if (decode(rgba) === undefined) missed += 1;
    else out.push({ rgba, drugs: record.medications.length, bytes: payload.length });
  }
  return { frames: out, missed };
};

export const run = async (): Promise<BenchReport> => {
  const { frames: set, missed } = await frames();
  const pipeline: number[] = [];
  const decoder: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round++) {
    for (const frame of set) {
      // Interleaved, so both see the same machine state; round 0 warms the JIT up.
      const t0 = performance.now();
      decode(frame.rgba);
      const t1 = performance.now();
      const bytes = decode(frame.rgba);
      const list = bytes === undefined ? undefined : medications(bytes);
      const t2 = performance.now();
      if (list?.length !== frame.drugs) throw new Error('the frame did not read back as its medication list');
      if (round === 0) continue;
      decoder.push(t1 - t0);
      pipeline.push(t2 - t1);
    }
  }
  const p = (xs: number[], q: number): number =>
    percentile(
      [...xs].sort((a, b) => a - b),
      q,
    );
  return {
    bench: 'qr',
    figures: [
      { name: 'frame → medication list, p50', value: p(pipeline, 50), unit: 'ms', baseline: 'decoder-p50' },
      { name: 'frame → medication list, p95', value: p(pipeline, 95), unit: 'ms', baseline: 'decoder-p95' },
      { name: 'decoder-p50: ZXing decode of the same frame', value: p(decoder, 50), unit: 'ms' },
      { name: 'decoder-p95: ZXing decode of the same frame', value: p(decoder, 95), unit: 'ms' },
    ],
    ratios: {
      'pipeline / decoder p50': p(pipeline, 50) / p(decoder, 50),
      'pipeline / decoder p95': p(pipeline, 95) / p(decoder, 95),
    },
    notes: [
      `${set.length} frames ${FRAME.width}x${FRAME.height} RGBA, one お薬手帳 QR each (byte mode, EC M, ` +
        `${Math.min(...set.map((f) => f.bytes))}–${Math.max(...set.map((f) => f.bytes))} bytes Shift_JIS, ` +
        `${FRAME.code} px); ${ROUNDS} rounds; ${missed} frame(s) ZXing could not read at this size left out`,
      'pipeline = decode (luminance, HybridBinarizer, QRCodeReader, BYTE_SEGMENTS) + readOkusuriTecho + ' +
        'okusuriTechoBundles + parseSummaryBytes (drug classification): what the tablet does from a camera ' +
        'frame to the preview, less the browser→gateway POST',
    ],
  };
};
