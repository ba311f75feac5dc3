/**
 * What the JAHIS 電子版お薬手帳データフォーマット (JAHIS 技術文書, Ver.1.0–2.6, version headers
 * JAHISTC01–JAHISTC08) yields once read: dispensings with their drugs, the patient's noted allergies,
 * side effects and past illnesses, and a count of what could not be read. docs/records.md lists every
 * record read and how.
 */
import type { Phi } from '../../log/index.js';

/** 作成者 (record author) of the records that carry one: a health professional, the patient, ... */
export type RecordAuthor = 'professional' | 'patient' | 'other' | 'unknown';

/** 患者情報レコード (record 1). Identifying: wrapped so it prints and logs as `[redacted]`. */
export interface TechoPatient {
  readonly name: string | undefined;
  readonly kana: string | undefined;
  /** 性別 1 男 / 2 女. */
  readonly sex: 'male' | 'female' | undefined;
  /** ISO date (YYYY-MM-DD); JAHIS writes YYYYMMDD or a Japanese era date GYYMMDD. */
  readonly birthDate: string | undefined;
}

/** 患者特記レコード (record 2) 特記種別: 1 アレルギー歴, 2 副作用歴, 3 既往歴, 9 その他. */
export type PatientNoteKind = 'allergy' | 'side-effect' | 'past-illness' | 'other';

export interface PatientNote {
  readonly kind: PatientNoteKind;
  readonly text: string;
  readonly author: RecordAuthor | undefined;
}

/** 要指導医薬品・一般用医薬品服用レコード (record 3) with its 成分 records (31). */
export interface OtcMedicine {
  readonly name: string;
  readonly started: string | undefined;
  readonly ended: string | undefined;
  readonly ingredients: readonly string[];
}

/**
 * 薬品コード種別 of record 201: 1 コードなし, 2 レセプト電算処理システム用コード, 3 厚生労働省コード
 * (薬価基準収載医薬品コード), 4 YJコード, 6 HOTコード. Any other type keeps its number and code.
 */
export type DrugCode =
  | { readonly type: 'none' }
  | { readonly type: 'receipt'; readonly code: string }
  | { readonly type: 'price-list'; readonly code: string }
  | { readonly type: 'yj'; readonly code: string }
  | { readonly type: 'hot'; readonly code: string }
  | { readonly type: 'other'; readonly typeNumber: string; readonly code: string };

/** 薬品レコード (201) with its 薬品補足 (281) and 薬品服用注意 (291) records. */
export interface TechoDrug {
  readonly name: string;
  /** 用量 as written (a decimal number), with its 単位名. */
  readonly quantity: string | undefined;
  readonly unit: string | undefined;
  readonly code: DrugCode;
  /** 一般名 and 一般名コード (Ver.2.5 and later). */
  readonly genericName: string | undefined;
  readonly genericCode: string | undefined;
  readonly author: RecordAuthor | undefined;
  readonly supplements: readonly string[];
  readonly cautions: readonly string[];
}

/** 剤形コード of record 301: 1 内服, 2 内滴, 3 屯服, 4 注射, 5 外用, 6 浸煎, 7 湯, 9 材料, 10 その他. */
export type DosageForm =
  | 'oral'
  | 'oral-drops'
  | 'as-needed'
  | 'injection'
  | 'topical'
  | 'brewed'
  | 'decoction'
  | 'material'
  | 'other';

/** 用法レコード (301) with its 用法補足 records (311). */
export interface TechoUsage {
  readonly text: string;
  /** 調剤数量 and 調剤単位 (e.g. 14 日分, 10 回分). */
  readonly dispensedQuantity: number | undefined;
  readonly dispensedUnit: string | undefined;
  readonly form: DosageForm | undefined;
  readonly supplements: readonly string[];
}

/** One RP (剤): drugs taken together under one usage. */
export interface TechoRp {
  readonly number: number;
  /** 処方－医師レコード (55) in force when the RP was first written. */
  readonly prescriber: { readonly name: string; readonly department: string | undefined } | undefined;
  readonly drugs: readonly TechoDrug[];
  readonly usage: TechoUsage | undefined;
  /** 処方服用注意レコード (391). */
  readonly cautions: readonly string[];
}

/** 調剤－医療機関等 (11) / 処方－医療機関 (51). */
export interface TechoInstitution {
  readonly name: string;
  /** 都道府県番号 and 医療機関コード (7 digits) as written. */
  readonly prefecture: string | undefined;
  readonly code: string | undefined;
}

/** One 調剤 (a dispensing), opened by 調剤等年月日レコード (5). */
export interface Dispensing {
  /** ISO date (YYYY-MM-DD). */
  readonly date: string;
  readonly pharmacy: TechoInstitution | undefined;
  /** 調剤－医師・薬剤師レコード (15). */
  readonly pharmacist: string | undefined;
  readonly prescribingInstitution: TechoInstitution | undefined;
  readonly rps: readonly TechoRp[];
  /** 服用注意 (401), 医療機関等提供情報 (411), 残薬確認 (421), 備考 (501), 患者等記入 (601). */
  readonly cautions: readonly string[];
  readonly providedInfo: readonly string[];
  readonly leftovers: readonly string[];
  readonly remarks: readonly string[];
  readonly patientEntries: readonly string[];
}

/** Why a record was not read; each is counted, never fatal for the rest of the document. */
export const SKIP_REASONS = [
  /** A record number this reader does not know. */
  'unknown-record',
  /** A required field missing or not of its published form. */
  'malformed-record',
  /** A date that does not exist (20260230, H32.01.01). */
  'impossible-date',
  /** A record out of its place (a drug before any 調剤等年月日, a 281 before its 201). */
  'orphan-record',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface Skip {
  /** 1-based line in the assembled document; the record number as written (no field contents). */
  readonly line: number;
  readonly record: string;
  readonly reason: SkipReason;
  /** `dispensing`: the record sat in a dispensing block (medications may be missing); else `patient`. */
  readonly scope: 'patient' | 'dispensing';
}

export interface TechoVersion {
  /** As written, e.g. `JAHISTC08`. */
  readonly header: string;
  readonly number: number;
  /** Specification versions using this header; empty for a header newer than those known. */
  readonly specVersions: readonly string[];
}

/** One お薬手帳 document (one code, or one set of codes joined). */
export interface TechoDocument {
  readonly version: TechoVersion;
  /** 出力区分: 1 医療機関・薬局 → 患者等, 2 患者等 → 医療機関・薬局. */
  readonly direction: 'to-patient' | 'from-patient' | undefined;
  readonly patient: Phi<TechoPatient> | undefined;
  readonly notes: readonly PatientNote[];
  readonly otc: readonly OtcMedicine[];
  readonly dispensings: readonly Dispensing[];
  readonly skipped: readonly Skip[];
}

/** Why a set of codes is refused as a whole (nothing from it is used). */
export const TECHO_ERRORS = [
  'no-codes',
  'too-large',
  'wrong-encoding',
  'not-okusuri-techo',
  'fragment-without-sequence',
  'missing-part',
  'conflicting-part',
  'inconsistent-set',
  'parity-mismatch',
  'different-patients',
] as const;
export type TechoErrorCode = (typeof TECHO_ERRORS)[number];

export interface TechoError {
  readonly code: TechoErrorCode;
  /** For the crew and the operator: part numbers and counts only, never a field's contents. */
  readonly message: string;
}

/** A scanned code: its bytes, and the structured-append header when the decoder gives it. */
export interface ScannedCode {
  readonly bytes: Uint8Array;
  /**
   * ISO/IEC 18004 structured append: symbol position (0-based), total symbols (1–16), and the
   * parity byte (XOR of every data byte of the whole message).
   */
  readonly structuredAppend?: { readonly index: number; readonly total: number; readonly parity: number };
}
