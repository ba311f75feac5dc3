import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { err, ok, type Result } from '../../core/index.js';
import { numberInRange, type FieldErrorCode } from '../../gateway/index.js';
import { BODY_SCHEMAS, type ReportInput } from '../../hospital-feed/index.js';
import { SEXES } from './state.js';

/** Opaque ids the tablet's forms carry (never a card serial). */
export const TapId = v.pipe(v.string(), v.regex(/^tap-[0-9a-f]{8,64}$/));
export const PrincipalId = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{1,62}$/));
/**
 * The report form's idempotency key (issue 12, R4): random, made when the form is rendered, stored in
 * this unit's outbox with the report it made. A re-post of the same form (a browser retry, or after a
 * crash and a new log-in) finds that report instead of making a second one.
 */
export const FormKeyId = v.pipe(v.string(), v.regex(/^rk-[0-9a-f]{32}$/));
export const newFormKey = (): string => `rk-${randomBytes(16).toString('hex')}`;

/**
 * The bounds of each number field: the feed's own schema (src/hospital-feed/messages.ts Vitals, Atmist),
 * so the form refuses exactly what the hospital would, named by field, before anything is stored.
 */
export const REPORT_RANGES = {
  ageValue: [0, 130],
  hr: [0, 350],
  sys: [0, 350],
  dia: [0, 250],
  rr: [0, 120],
  spo2: [0, 100],
  temp: [20, 45],
  gcsE: [1, 4],
  gcsV: [1, 5],
  gcsM: [1, 6],
  pupilL: [0.5, 10],
  pupilR: [0.5, 10],
  etaMinutes: [0, 999],
} as const satisfies Record<string, readonly [number, number]>;
export type RangedField = keyof typeof REPORT_RANGES;

/** "0–350": the hint beside a field, repeated in its error. */
export const rangeHint = (field: RangedField): string =>
  `${REPORT_RANGES[field][0]}–${REPORT_RANGES[field][1]}`;

const JCS_LEVELS = ['0', '1', '2', '3', '10', '20', '30', '100', '200', '300'] as const;
const inRange = (field: RangedField) => numberInRange(REPORT_RANGES[field][0], REPORT_RANGES[field][1]);
const digits = (max: number, field: RangedField) =>
  v.optional(v.pipe(v.string(), v.regex(new RegExp(`^\\d{0,${max}}$`)), inRange(field)), '');
const decimal = (field: RangedField) =>
  v.optional(v.pipe(v.string(), v.regex(/^(\d{1,2}(\.\d)?)?$/), inRange(field)), '');
const text = (max: number) => v.optional(v.pipe(v.string(), v.maxLength(max)), '');
const checkbox = v.optional(v.literal('on'));

/**
 * The ATMIST + vitals form as posted (all strings). JCS and GCS are separate fields and are never
 * converted into each other (field notes: they agree only ~80 % of the time).
 */
export const ReportForm = v.object({
  _csrf: v.string(),
  tap: TapId,
  key: FormKeyId,
  hospital: PrincipalId,
  ageValue: v.pipe(v.string(), v.regex(/^\d{1,3}$/), inRange('ageValue')),
  ageUnit: v.picklist(['years', 'months']),
  ageEstimated: checkbox,
  /** Empty when the crew chose none: the report then leaves `atmist.sex` out (the board: not stated). */
  sex: v.optional(v.picklist(['', ...SEXES]), ''),
  mechanism: text(1000),
  injuries: text(2000),
  treatment: text(2000),
  hr: digits(3, 'hr'),
  sys: digits(3, 'sys'),
  dia: digits(3, 'dia'),
  rr: digits(3, 'rr'),
  spo2: digits(3, 'spo2'),
  temp: decimal('temp'),
  jcs: v.optional(v.picklist(['', ...JCS_LEVELS]), ''),
  gcsE: digits(1, 'gcsE'),
  gcsV: digits(1, 'gcsV'),
  gcsM: digits(1, 'gcsM'),
  pupilL: decimal('pupilL'),
  pupilR: decimal('pupilR'),
  pupilLReactive: checkbox,
  pupilRReactive: checkbox,
  acuity: v.picklist(['1', '2', '3', '4', '5']),
  etaMinutes: v.pipe(v.string(), v.regex(/^\d{1,3}$/), inRange('etaMinutes')),
  callSign: v.pipe(v.string(), v.minLength(1), v.maxLength(40)),
  phone: v.pipe(v.string(), v.regex(/^\+?[0-9-]{6,20}$/)),
});
export type ReportForm = v.InferOutput<typeof ReportForm>;

/**
 * What the schema cannot see, field by field: a value out of the feed's range, a GCS given in part,
 * a pupil given on one side only. A group given in part is an error, never silently dropped (issue 15):
 * the crew completes it or empties it.
 */
export const reportFormErrors = (form: ReportForm): Record<string, FieldErrorCode> => {
  const errors: Record<string, FieldErrorCode> = {};
  for (const [field, [min, max]] of Object.entries(REPORT_RANGES) as [
    RangedField,
    readonly [number, number],
  ][]) {
    const raw = form[field];
    if (raw === '') continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) errors[field] = 'out-of-range';
  }
  const gcs = (['gcsE', 'gcsV', 'gcsM'] as const).filter((f) => form[f] !== '');
  if (gcs.length > 0 && gcs.length < 3)
    for (const f of ['gcsE', 'gcsV', 'gcsM'] as const) if (form[f] === '') errors[f] = 'incomplete';
  const pupils = (['pupilL', 'pupilR'] as const).filter((f) => form[f] !== '');
  const reactive = form.pupilLReactive === 'on' || form.pupilRReactive === 'on';
  if (pupils.length === 1 || (pupils.length === 0 && reactive))
    for (const f of ['pupilL', 'pupilR'] as const) if (form[f] === '') errors[f] = 'incomplete';
  return errors;
};

const num = (s: string): number | undefined => (s === '' ? undefined : Number(s));
const some = <K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: T };

type Vitals = ReportInput['atmist']['signs'][number];

/** One set of observations from the form; empty fields are left out, never guessed. */
export const vitalsOf = (form: ReportForm, at: string): Vitals => {
  const gcs = [num(form.gcsE), num(form.gcsV), num(form.gcsM)];
  const [e, vv, m] = gcs;
  const pupils =
    form.pupilL !== '' && form.pupilR !== ''
      ? {
          leftMm: Number(form.pupilL),
          rightMm: Number(form.pupilR),
          leftReactive: form.pupilLReactive === 'on',
          rightReactive: form.pupilRReactive === 'on',
        }
      : undefined;
  return {
    at,
    ...some('heartRate', num(form.hr)),
    ...some('systolic', num(form.sys)),
    ...some('diastolic', num(form.dia)),
    ...some('respiratoryRate', num(form.rr)),
    ...some('spo2', num(form.spo2)),
    ...some('temperatureC', num(form.temp)),
    ...(form.jcs === '' ? {} : { jcs: { level: Number(form.jcs) as 0, modifiers: [] } }),
    ...(e !== undefined && vv !== undefined && m !== undefined ? { gcs: { e, v: vv, m } } : {}),
    ...some('pupils', pupils),
  };
};

/** Whether a set of observations holds anything besides its time (an update may bring none). */
const observed = (vitals: Vitals): boolean => Object.keys(vitals).some((k) => k !== 'at');

/**
 * The report body from the form: the new observations appended to those already sent (the board
 * shows the trend), the summary when there is one. Checked against the feed's own schema, so a value
 * out of range is refused here with the form kept, not later as a storage error.
 */
export const reportInput = (
  form: ReportForm,
  context: {
    readonly now: number;
    readonly unitId: string;
    readonly previousSigns: readonly Vitals[];
    readonly summary: ReportInput['summary'] | undefined;
    /** How the patient was identified: every report says it (issue 13). */
    readonly identity: NonNullable<ReportInput['identity']>;
    /** The unit's dispatch case, if assigned: the hospital sends its outcome there (ids only). */
    readonly dispatch?: { readonly dispatchId: string; readonly caseId: string } | undefined;
  },
): Result<ReportInput, 'invalid-report'> => {
  const at = new Date(context.now).toISOString();
  const input: ReportInput = {
    ...(context.summary === undefined ? {} : { summary: context.summary }),
    identity: context.identity,
    ...(context.dispatch === undefined
      ? {}
      : { dispatch: { dispatchId: context.dispatch.dispatchId, caseId: context.dispatch.caseId } }),
    atmist: {
      age: { value: Number(form.ageValue), unit: form.ageUnit, estimated: form.ageEstimated === 'on' },
      ...(form.sex === '' ? {} : { sex: form.sex }),
      time: at,
      mechanism: form.mechanism,
      injuries: form.injuries,
      // An update without new observations repeats none: the trend shows only what was measured.
      signs: (() => {
        const now = vitalsOf(form, at);
        return observed(now) || context.previousSigns.length === 0
          ? [...context.previousSigns, now]
          : [...context.previousSigns];
      })(),
      treatment: form.treatment,
    },
    acuity: Number(form.acuity),
    eta: new Date(context.now + Number(form.etaMinutes) * 60_000).toISOString(),
    crew: { unitId: context.unitId, callSign: form.callSign, phone: form.phone },
  };
  const checked = v.safeParse(BODY_SCHEMAS.report, { ...input, reportId: 'form-check' });
  return checked.success ? ok(input) : err('invalid-report');
};
