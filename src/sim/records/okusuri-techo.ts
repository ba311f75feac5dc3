/**
 * A synthetic holder's お薬手帳 as the pharmacy's QR code carries it: the JAHIS 電子版お薬手帳データ
 * フォーマット (Ver.2.5/2.6, version header JAHISTC08), Shift_JIS, CR LF, per the record layouts the
 * reader reads (src/records/okusuri-techo/layouts.ts, docs/records.md). For the demo (a QR to scan)
 * and for tests and benchmarks; synthetic holders only.
 */
import { encodeShiftJis } from '../shift-jis.js';
import type { MedicalRecord } from './medical-record.js';

export interface OkusuriTechoOptions {
  /** 調剤等年月日 (ISO date) of the one dispensing written; default the newest dispensing of the record. */
  readonly dispensedOn?: string;
  /** 調剤数量 in 日分 of every RP (default 28). */
  readonly days?: number;
}

/** Characters Shift_JIS cannot write become 〓 (ゲタ), as pharmacy systems print them. */
const sjisSafe = (text: string): string =>
  [...text].map((c) => (encodeShiftJis(c) === undefined ? '〓' : c)).join('');

/** A comma inside a text is written full-width (the format's field separator is the half-width one). */
const field = (text: string): string => sjisSafe(text.replace(/,/g, '，'));

const yyyymmdd = (iso: string): string => iso.replaceAll('-', '');

const UNIT = /([0-9]+(?:\.[0-9]+)?)(錠|カプセル|単位|包|吸入|枚|本|mL|g)/u;

/** 用量 and 単位 from the usual dosage text (`1日2回 朝夕食後 2錠` → 2 錠); unknown → omitted. */
const amount = (dose: string): { quantity: string; unit: string } => {
  const m = UNIT.exec(dose);
  return m === null ? { quantity: '', unit: '' } : { quantity: m[1] ?? '', unit: m[2] ?? '' };
};

/** 剤形コード: 4 注射 for an injection, 5 外用 for a patch or an inhaler, else 1 内服. */
const form = (dose: string): string =>
  /皮下注|注射/u.test(dose) ? '4' : /貼付|吸入/u.test(dose) ? '5' : '1';

/** The holder's お薬手帳 payload as text (records separated by CR LF). */
export const okusuriTechoText = (record: MedicalRecord, options: OkusuriTechoOptions = {}): string => {
  const h = record.holder;
  const dispensed =
    options.dispensedOn ??
    record.medications
      .map((m) => m.lastDispensed)
      .sort()
      .at(-1) ??
    '2026-04-01';
  const days = options.days ?? 28;
  const pharmacy = record.medications[0]?.pharmacy ?? 'さくら調剤薬局';
  const lines = [
    'JAHISTC08,1',
    // 1 患者情報: 氏名, 性別, 生年月日, 郵便番号, 住所, 電話, 緊急連絡先, 血液型, 体重, 氏名カナ.
    `1,${field(h.fullName)},${h.sex === 'male' ? '1' : '2'},${yyyymmdd(h.birthDate)},,,,,,,${field(h.fullNameKana)}`,
    // 2 患者特記 (1 アレルギー歴), written by a professional (作成者 1).
    ...record.allergies.map((a) => `2,1,${field(`${a.def.ja}（${a.reaction}）`)},1`),
    `5,${yyyymmdd(dispensed)},1`,
    `11,${field(pharmacy)},13,4,1000001,,,,1`,
    `51,${field(record.recordedBy)},13,1,2000001,1`,
    `55,試験 医師,内科,1`,
    ...record.medications.flatMap((m, i) => {
      const rp = i + 1;
      const { quantity, unit } = amount(m.drug.dose);
      return [
        // 201 薬品: RP, 名称, 用量, 単位, コード種別 4 (YJ), コード, 作成者.
        `201,${rp},${field(m.drug.ja)},${quantity},${unit},4,${m.drug.yj},1`,
        // 301 用法: RP, 用法, 調剤数量, 調剤単位, 剤形コード, 用法コード種別, 用法コード, 作成者.
        `301,${rp},${field(m.drug.dose)},${days},日分,${form(m.drug.dose)},1,,1`,
      ];
    }),
  ];
  return `${lines.join('\r\n')}\r\n`;
};

/** The payload as the QR code's bytes: Shift_JIS. */
export const okusuriTechoPayload = (record: MedicalRecord, options: OkusuriTechoOptions = {}): Uint8Array =>
  encodeShiftJis(okusuriTechoText(record, options)) ?? new Uint8Array();
