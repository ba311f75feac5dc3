/**
 * Record layouts of the JAHIS 電子版お薬手帳データフォーマット: field positions after the record number,
 * and the code tables. Later versions only append fields (Ver.2.5 added 201's 一般名 fields, 3's
 * 通番 and JAN), so one layout reads every version header; a field a version lacks is read as absent.
 */
import type { DosageForm, DrugCode, PatientNoteKind, RecordAuthor, TechoVersion } from './model.js';
import { VERSION_HEADER } from './text.js';

/** Version header → the specification versions that write it (JAHIS 技術文書 改版履歴). */
const SPEC_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  JAHISTC01: ['1.0'],
  JAHISTC02: ['1.1'],
  JAHISTC03: ['2.0'],
  JAHISTC04: ['2.1'],
  JAHISTC05: ['2.2'],
  JAHISTC06: ['2.3'],
  JAHISTC07: ['2.4'],
  // Ver.2.6 kept the header of Ver.2.5 (it only annotated the drug codes).
  JAHISTC08: ['2.5', '2.6'],
};

export const versionOf = (header: string): TechoVersion | undefined => {
  const match = VERSION_HEADER.exec(header);
  if (match === null) return undefined;
  return { header, number: Number(match[1]), specVersions: SPEC_VERSIONS[header] ?? [] };
};

/** Field positions (index into the record's fields; 0 is the record number itself). */
export const F = {
  patient: { name: 1, sex: 2, birthDate: 3, kana: 10 },
  note: { kind: 1, text: 2, author: 3 },
  otc: { name: 1, started: 2, ended: 3, sequence: 5 },
  otcIngredient: { sequence: 1, name: 2 },
  dispensingDate: { date: 1 },
  institution: { name: 1, prefecture: 2, code: 4 },
  person: { name: 1, second: 2 },
  drug: {
    rp: 1,
    name: 2,
    quantity: 3,
    unit: 4,
    codeType: 5,
    code: 6,
    author: 7,
    genericName: 8,
    genericCode: 10,
  },
  rpText: { rp: 1, text: 2 },
  usage: { rp: 1, text: 2, quantity: 3, unit: 4, form: 5 },
  text: { text: 1 },
  split: { dataId: 1, total: 2, index: 3 },
} as const;

/** Record numbers read, by what they hold. */
export const RECORD = {
  patient: '1',
  note: '2',
  otc: '3',
  otcIngredient: '31',
  memo: '4',
  dispensingDate: '5',
  pharmacy: '11',
  pharmacist: '15',
  prescribingInstitution: '51',
  prescriber: '55',
  drug: '201',
  drugSupplement: '281',
  drugCaution: '291',
  usage: '301',
  usageSupplement: '311',
  rpCaution: '391',
  caution: '401',
  providedInfo: '411',
  leftovers: '421',
  remark: '501',
  patientEntry: '601',
  familyPharmacist: '701',
  split: '911',
} as const;

const NOTE_KINDS: Readonly<Record<string, PatientNoteKind>> = {
  '1': 'allergy',
  '2': 'side-effect',
  '3': 'past-illness',
  '9': 'other',
};
export const noteKind = (value: string): PatientNoteKind | undefined => NOTE_KINDS[value];

const AUTHORS: Readonly<Record<string, RecordAuthor>> = {
  '1': 'professional',
  '2': 'patient',
  '8': 'other',
  '9': 'unknown',
};
export const recordAuthor = (value: string | undefined): RecordAuthor | undefined =>
  value === undefined ? undefined : AUTHORS[value];

const FORMS: Readonly<Record<string, DosageForm>> = {
  '1': 'oral',
  '2': 'oral-drops',
  '3': 'as-needed',
  '4': 'injection',
  '5': 'topical',
  '6': 'brewed',
  '7': 'decoction',
  '9': 'material',
  '10': 'other',
};
export const dosageForm = (value: string | undefined): DosageForm | undefined =>
  value === undefined ? undefined : FORMS[value];

/**
 * 薬品コード種別 and 薬品コード. A type other than 1 with no code reads as "no code": the drug's
 * name is still the clinical fact, and it is classified by name.
 */
export const drugCode = (type: string | undefined, rawCode: string | undefined): DrugCode => {
  const code = (rawCode ?? '').trim();
  if (type === undefined || type === '' || type === '1' || code === '') return { type: 'none' };
  switch (type) {
    case '2':
      return { type: 'receipt', code };
    case '3':
      return { type: 'price-list', code };
    case '4':
      return { type: 'yj', code };
    case '6':
      return { type: 'hot', code };
    default:
      return { type: 'other', typeNumber: type, code };
  }
};
