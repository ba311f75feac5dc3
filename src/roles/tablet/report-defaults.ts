import type { ReportInput } from '../../hospital-feed/index.js';
import type { RangedField } from './report-form.js';
import { SEXES, type CardSession, type Sex } from './state.js';
import { ageInYears } from './summary-facts.js';

type Vitals = ReportInput['atmist']['signs'][number];

/** The form's values from a report already sent: an update starts from it (issue 15: never blank). */
export const fromReport = (input: ReportInput): Record<string, string> => ({
  ageValue: String(input.atmist.age.value),
  ageUnit: input.atmist.age.unit,
  ...(input.atmist.age.estimated ? { ageEstimated: 'on' } : {}),
  ...(input.atmist.sex === undefined ? {} : { sex: input.atmist.sex }),
  mechanism: input.atmist.mechanism,
  injuries: input.atmist.injuries,
  treatment: input.atmist.treatment,
  acuity: String(input.acuity),
  callSign: input.crew.callSign,
  phone: input.crew.phone,
});

/**
 * The report's sex from FHIR Patient.gender (administrative gender: male | female | other | unknown).
 * `other` has no word in the feed's vocabulary (male | female | unknown): the crew chooses, nothing is
 * guessed for them.
 */
const sexOfGender = (gender: string | undefined): Sex | undefined =>
  (SEXES as readonly string[]).includes(gender ?? '') ? (gender as Sex) : undefined;

/**
 * What the records answer says of the patient before anyone types: age and sex (the card itself holds
 * neither). Only a records answer that came back (`ok`) counts; nothing known, nothing given.
 */
export const recordPatient = (
  s: CardSession | undefined,
  now: number,
): { readonly age: number | undefined; readonly sex: Sex | undefined } => {
  const outcome = s?.phase.kind === 'records' ? s.phase.outcome : undefined;
  const patient = outcome?.code === 'ok' ? outcome.summary.patient.reveal() : undefined;
  return { age: ageInYears(patient?.birthDate, now), sex: sexOfGender(patient?.gender) };
};

/**
 * A first report's defaults: age and sex from the records, else the sex the crew gave when it started
 * an unknown patient. The crew sees them pre-filled and corrects them; nothing known, nothing chosen.
 */
export const firstDefaults = (
  s: CardSession,
  record: { readonly age: number | undefined; readonly sex: Sex | undefined },
): Record<string, string> => {
  const sex = record.sex ?? s.description?.sex;
  return {
    ...(record.age === undefined ? {} : { ageValue: String(record.age), ageUnit: 'years' }),
    ...(sex === undefined ? {} : { sex }),
  };
};

/** "前回 104": last observations next to the empty fields of an update (a new set is a new measurement). */
export const previousOf = (v: Vitals | undefined): Partial<Record<RangedField | 'jcs', string>> =>
  v === undefined
    ? {}
    : {
        ...(v.heartRate === undefined ? {} : { hr: String(v.heartRate) }),
        ...(v.systolic === undefined ? {} : { sys: String(v.systolic) }),
        ...(v.diastolic === undefined ? {} : { dia: String(v.diastolic) }),
        ...(v.respiratoryRate === undefined ? {} : { rr: String(v.respiratoryRate) }),
        ...(v.spo2 === undefined ? {} : { spo2: String(v.spo2) }),
        ...(v.temperatureC === undefined ? {} : { temp: String(v.temperatureC) }),
        ...(v.jcs === undefined ? {} : { jcs: String(v.jcs.level) }),
        ...(v.gcs === undefined
          ? {}
          : { gcsE: String(v.gcs.e), gcsV: String(v.gcs.v), gcsM: String(v.gcs.m) }),
        ...(v.pupils === undefined
          ? {}
          : { pupilL: String(v.pupils.leftMm), pupilR: String(v.pupils.rightMm) }),
      };
