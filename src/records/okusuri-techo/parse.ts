/**
 * One お薬手帳 document's text → its records, per the JAHIS 電子版お薬手帳データフォーマット record
 * order: version record, patient records (1, 2), OTC and memo records (3, 31, 4), then one block per
 * dispensing opened by 調剤等年月日 (5), 701, and 911 last. Pure; a record that cannot be read is
 * counted (model.ts SKIP_REASONS) and the rest is read.
 */
import { err, ok, type Result } from '../../core/index.js';
import { phi } from '../../log/index.js';
import { F, RECORD, dosageForm, drugCode, noteKind, recordAuthor, versionOf } from './layouts.js';
import type {
  Dispensing,
  OtcMedicine,
  PatientNote,
  Skip,
  SkipReason,
  TechoDocument,
  TechoDrug,
  TechoError,
  TechoInstitution,
  TechoPatient,
  TechoUsage,
} from './model.js';
import { jahisDate, jahisNumber, recordFields, recordLines } from './text.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

interface RpBuilder {
  number: number;
  prescriber: { name: string; department: string | undefined } | undefined;
  drugs: Mutable<TechoDrug>[];
  usage: Mutable<TechoUsage> | undefined;
  cautions: string[];
}

interface DispensingBuilder extends Omit<Mutable<Dispensing>, 'rps'> {
  rps: Map<string, RpBuilder>;
  /** Increments at each 処方－医師 (55): RP numbers are read within the prescriber's group. */
  group: number;
  prescriber: { name: string; department: string | undefined } | undefined;
}

const present = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
};

const positiveInt = (value: string | undefined): number | undefined =>
  value !== undefined && /^[0-9]{1,4}$/u.test(value) && Number(value) > 0 ? Number(value) : undefined;

/** A date field that may be empty: `undefined` when empty, `null` when written but impossible. */
const optionalDate = (value: string | undefined): string | undefined | null => {
  const text = present(value);
  if (text === undefined) return undefined;
  return jahisDate(text) ?? null;
};

const institution = (f: readonly string[]): TechoInstitution | undefined => {
  const name = present(f[F.institution.name]);
  return name === undefined
    ? undefined
    : { name, prefecture: present(f[F.institution.prefecture]), code: present(f[F.institution.code]) };
};

const notOkusuri = (first: string): TechoError => ({
  code: 'not-okusuri-techo',
  message: first.startsWith('JAHIS')
    ? 'this code is a JAHIS 院外処方箋 code (a prescription), not an お薬手帳 code'
    : 'this code is not in the JAHIS お薬手帳 format (it does not begin with a JAHISTC version record)',
});

const freezeDispensing = (d: DispensingBuilder): Dispensing => ({
  date: d.date,
  pharmacy: d.pharmacy,
  pharmacist: d.pharmacist,
  prescribingInstitution: d.prescribingInstitution,
  rps: [...d.rps.values()],
  cautions: d.cautions,
  providedInfo: d.providedInfo,
  leftovers: d.leftovers,
  remarks: d.remarks,
  patientEntries: d.patientEntries,
});

/** Parses one assembled document. Only a missing version record refuses it. */
export const parseDocument = (text: string): Result<TechoDocument, TechoError> => {
  const lines = recordLines(text);
  const header = recordFields(lines[0] ?? '');
  const version = versionOf(header[0] ?? '');
  if (version === undefined) return err(notOkusuri(header[0] ?? ''));
  const direction = header[1] === '1' ? 'to-patient' : header[1] === '2' ? 'from-patient' : undefined;

  const patients: TechoPatient[] = [];
  const notes: PatientNote[] = [];
  const otc: Mutable<OtcMedicine>[] = [];
  const otcBySequence = new Map<string, Mutable<OtcMedicine>>();
  const dispensings: DispensingBuilder[] = [];
  const skipped: Skip[] = [];
  // `null`: inside a dispensing whose date could not be read; its records are skipped with it.
  let current: DispensingBuilder | null | undefined;

  lines.slice(1).forEach((line, i) => {
    const f = recordFields(line);
    const no = f[0] ?? '';
    const skip = (reason: SkipReason): void => {
      // A drug record out of place is still a medication we could not show.
      const inDispensing =
        current !== undefined || DISPENSING_RECORDS.has(no) || no === RECORD.dispensingDate;
      skipped.push({ line: i + 2, record: no, reason, scope: inDispensing ? 'dispensing' : 'patient' });
    };
    const rpOf = (d: DispensingBuilder): RpBuilder | undefined => {
      const rp = positiveInt(f[F.rpText.rp]);
      return rp === undefined ? undefined : d.rps.get(`${d.group}:${rp}`);
    };

    switch (no) {
      case RECORD.patient: {
        const birthDate = optionalDate(f[F.patient.birthDate]);
        if (birthDate === null) return skip('impossible-date');
        const sex = f[F.patient.sex] === '1' ? 'male' : f[F.patient.sex] === '2' ? 'female' : undefined;
        patients.push({ name: present(f[F.patient.name]), kana: present(f[F.patient.kana]), sex, birthDate });
        return;
      }
      case RECORD.note: {
        const kind = noteKind(f[F.note.kind] ?? '');
        const noteText = present(f[F.note.text]);
        if (kind === undefined || noteText === undefined) return skip('malformed-record');
        notes.push({ kind, text: noteText, author: recordAuthor(f[F.note.author]) });
        return;
      }
      case RECORD.otc: {
        const name = present(f[F.otc.name]);
        const started = optionalDate(f[F.otc.started]);
        const ended = optionalDate(f[F.otc.ended]);
        if (name === undefined) return skip('malformed-record');
        if (started === null || ended === null) return skip('impossible-date');
        const item = { name, started, ended, ingredients: [] };
        otc.push(item);
        const sequence = present(f[F.otc.sequence]);
        if (sequence !== undefined) otcBySequence.set(sequence, item);
        return;
      }
      case RECORD.otcIngredient: {
        const item = otcBySequence.get(f[F.otcIngredient.sequence] ?? '');
        const name = present(f[F.otcIngredient.name]);
        if (name === undefined) return skip('malformed-record');
        if (item === undefined) return skip('orphan-record');
        item.ingredients.push(name);
        return;
      }
      case RECORD.memo:
      case RECORD.familyPharmacist:
      case RECORD.split:
        // Read and not used: a memo, the patient's かかりつけ薬剤師, the split control (assemble.ts).
        return;
      case RECORD.dispensingDate: {
        const date = jahisDate(f[F.dispensingDate.date] ?? '');
        if (date === undefined) {
          current = null;
          return skip('impossible-date');
        }
        current = {
          date,
          pharmacy: undefined,
          pharmacist: undefined,
          prescribingInstitution: undefined,
          rps: new Map(),
          group: 0,
          prescriber: undefined,
          cautions: [],
          providedInfo: [],
          leftovers: [],
          remarks: [],
          patientEntries: [],
        };
        dispensings.push(current);
        return;
      }
      default:
        break;
    }

    if (!DISPENSING_RECORDS.has(no)) return skip('unknown-record');
    if (current === undefined) return skip('orphan-record');
    if (current === null) return skip('impossible-date');
    const d = current;
    switch (no) {
      case RECORD.pharmacy:
      case RECORD.prescribingInstitution: {
        const found = institution(f);
        if (found === undefined) return skip('malformed-record');
        if (no === RECORD.pharmacy) d.pharmacy = found;
        else d.prescribingInstitution = found;
        return;
      }
      case RECORD.pharmacist: {
        const name = present(f[F.person.name]);
        if (name === undefined) return skip('malformed-record');
        d.pharmacist = name;
        return;
      }
      case RECORD.prescriber: {
        const name = present(f[F.person.name]);
        if (name === undefined) return skip('malformed-record');
        d.group += 1;
        d.prescriber = { name, department: present(f[F.person.second]) };
        return;
      }
      case RECORD.drug: {
        const rp = positiveInt(f[F.drug.rp]);
        const name = present(f[F.drug.name]);
        if (rp === undefined || name === undefined) return skip('malformed-record');
        const key = `${d.group}:${rp}`;
        let group = d.rps.get(key);
        if (group === undefined) {
          group = { number: rp, prescriber: d.prescriber, drugs: [], usage: undefined, cautions: [] };
          d.rps.set(key, group);
        }
        const quantity = present(f[F.drug.quantity]);
        group.drugs.push({
          name,
          quantity: quantity !== undefined && jahisNumber(quantity) !== undefined ? quantity : undefined,
          unit: present(f[F.drug.unit]),
          code: drugCode(f[F.drug.codeType], f[F.drug.code]),
          genericName: present(f[F.drug.genericName]),
          genericCode: present(f[F.drug.genericCode]),
          author: recordAuthor(f[F.drug.author]),
          supplements: [],
          cautions: [],
        });
        return;
      }
      case RECORD.drugSupplement:
      case RECORD.drugCaution: {
        const text = present(f[F.rpText.text]);
        if (text === undefined) return skip('malformed-record');
        // 281 and 291 follow the 201 they qualify: the RP's last drug so far.
        const drug = rpOf(d)?.drugs.at(-1);
        if (drug === undefined) return skip('orphan-record');
        (no === RECORD.drugSupplement ? drug.supplements : drug.cautions).push(text);
        return;
      }
      case RECORD.usage: {
        const group = rpOf(d);
        if (group === undefined) return skip('orphan-record');
        group.usage = {
          text: present(f[F.usage.text]) ?? '',
          dispensedQuantity: jahisNumber(f[F.usage.quantity] ?? ''),
          dispensedUnit: present(f[F.usage.unit]),
          form: dosageForm(f[F.usage.form]),
          supplements: [],
        };
        return;
      }
      case RECORD.usageSupplement:
      case RECORD.rpCaution: {
        const text = present(f[F.rpText.text]);
        if (text === undefined) return skip('malformed-record');
        const group = rpOf(d);
        const target = no === RECORD.usageSupplement ? group?.usage?.supplements : group?.cautions;
        if (target === undefined) return skip('orphan-record');
        target.push(text);
        return;
      }
      default: {
        const text = present(f[F.text.text]);
        if (text === undefined) return skip('malformed-record');
        DISPENSING_TEXTS[no as keyof typeof DISPENSING_TEXTS](d).push(text);
        return;
      }
    }
  });

  // A split set repeats record 1 in each part; two different patients in one document are refused.
  const [patient] = patients;
  if (patient !== undefined && patients.some((p) => !samePatient(p, patient))) {
    return err({ code: 'different-patients', message: DIFFERENT_PATIENTS });
  }
  return ok({
    version,
    direction,
    patient: patient === undefined ? undefined : phi(patient),
    notes,
    otc,
    dispensings: dispensings.map(freezeDispensing),
    skipped,
  });
};

export const DIFFERENT_PATIENTS =
  'the codes name different patients (name, sex or date of birth differ): nothing from them is used';

const comparable = (name: string | undefined): string | undefined =>
  name === undefined ? undefined : name.normalize('NFKC').replace(/\s+/gu, '');

const conflict = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a !== b;

/** Two patient records agree unless a field both give differs (name and kana compared NFKC, spaces removed). */
export const samePatient = (a: TechoPatient, b: TechoPatient): boolean =>
  !conflict(comparable(a.name), comparable(b.name)) &&
  !conflict(comparable(a.kana), comparable(b.kana)) &&
  !conflict(a.sex, b.sex) &&
  !conflict(a.birthDate, b.birthDate);

const DISPENSING_TEXTS = {
  [RECORD.caution]: (d: DispensingBuilder) => d.cautions,
  [RECORD.providedInfo]: (d: DispensingBuilder) => d.providedInfo,
  [RECORD.leftovers]: (d: DispensingBuilder) => d.leftovers,
  [RECORD.remark]: (d: DispensingBuilder) => d.remarks,
  [RECORD.patientEntry]: (d: DispensingBuilder) => d.patientEntries,
} as const;

const DISPENSING_RECORDS: ReadonlySet<string> = new Set([
  RECORD.pharmacy,
  RECORD.pharmacist,
  RECORD.prescribingInstitution,
  RECORD.prescriber,
  RECORD.drug,
  RECORD.drugSupplement,
  RECORD.drugCaution,
  RECORD.usage,
  RECORD.usageSupplement,
  RECORD.rpCaution,
  ...Object.keys(DISPENSING_TEXTS),
]);
