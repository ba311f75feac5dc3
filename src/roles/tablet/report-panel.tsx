import type { FC } from 'hono/jsx';
import {
  AcuityLegend,
  acuityWords,
  ACUITY_LEVELS,
  Button,
  Choices,
  Confirm,
  Field,
  FieldRow,
  fill,
  Form,
  Group,
  SummaryList,
  type FormState,
  type LabelledField,
  type PanelContext,
} from '../../gateway/index.js';
import type { ReportInput, ReportView } from '../../hospital-feed/index.js';
import { newFormKey, rangeHint, type RangedField } from './report-form.js';
import { isOpenState, ReportStatus } from './report-status.js';
import { latestReport, type CardSession } from './state.js';
import type { Say, TextKey } from './text.js';

export interface Hospital {
  readonly id: string;
  readonly name: string;
}

export interface CrewContact {
  readonly callSign: string;
  readonly phone: string;
}

/** The report form's id: per patient, so each patient's typing is kept apart (drafts, refusals). */
export const reportFormId = (tap: string): string => `report:${tap}`;

const JCS = ['0', '1', '2', '3', '10', '20', '30', '100', '200', '300'];

type Vitals = ReportInput['atmist']['signs'][number];

/** The form's values from a report already sent: an update starts from it (issue 15: never blank). */
const fromReport = (input: ReportInput): Record<string, string> => ({
  ageValue: String(input.atmist.age.value),
  ageUnit: input.atmist.age.unit,
  ...(input.atmist.age.estimated ? { ageEstimated: 'on' } : {}),
  mechanism: input.atmist.mechanism,
  injuries: input.atmist.injuries,
  treatment: input.atmist.treatment,
  acuity: String(input.acuity),
  callSign: input.crew.callSign,
  phone: input.crew.phone,
});

/** "前回 104": last observations next to the empty fields of an update (a new set is a new measurement). */
const previousOf = (v: Vitals | undefined): Partial<Record<RangedField | 'jcs', string>> =>
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

const NUMBERS: readonly [RangedField, TextKey, 'number' | 'decimal'][] = [
  ['hr', 'report.hr', 'number'],
  ['sys', 'report.sys', 'number'],
  ['dia', 'report.dia', 'number'],
  ['rr', 'report.rr', 'number'],
  ['spo2', 'report.spo2', 'number'],
  ['temp', 'report.temp', 'decimal'],
];

/** Every field's label, in the form's order: the error summary's words and links. */
const fieldLabels = (say: Say): Record<string, LabelledField> => {
  const n = (label: TextKey, f: RangedField): LabelledField => ({
    label: say(label),
    numeric: true,
    hint: rangeHint(f),
  });
  return {
    ageValue: n('report.age', 'ageValue'),
    ageUnit: { label: say('report.age') },
    mechanism: { label: say('report.mechanism') },
    injuries: { label: say('report.injuries') },
    ...Object.fromEntries(NUMBERS.map(([f, label]) => [f, n(label, f)])),
    jcs: { label: say('report.jcs') },
    gcsE: n('report.gcs', 'gcsE'),
    gcsV: n('report.gcs', 'gcsV'),
    gcsM: n('report.gcs', 'gcsM'),
    pupilL: n('report.pupils', 'pupilL'),
    pupilR: n('report.pupils', 'pupilR'),
    treatment: { label: say('report.treatment') },
    acuity: { label: say('report.acuity'), target: 'acuity-1' },
    etaMinutes: n('report.eta', 'etaMinutes'),
    hospital: { label: say('report.destination') },
    callSign: { label: say('report.callSign') },
    phone: { label: say('report.phone') },
  };
};

/**
 * The ATMIST + vitals form from the component layer: every field labelled with its range, numbers on a
 * keypad, a bad value kept and named (the form's kept state), typing saved as a draft. A report still
 * open is updated at its own destination only: the destination is shown, not chosen (changing hospital
 * is the divert action, below, explicit and confirmed).
 */
const ReportFormView: FC<{
  readonly s: CardSession;
  readonly ctx: PanelContext;
  readonly say: Say;
  readonly hospitals: readonly Hospital[];
  readonly contact: CrewContact;
  readonly openAt: Hospital | undefined;
  readonly declinedBy: ReadonlySet<string>;
  readonly defaults: Readonly<Record<string, string>>;
  readonly previous: Partial<Record<string, string>>;
  readonly state: FormState | undefined;
}> = ({ s, ctx, say, hospitals, contact, openAt, declinedBy, defaults, previous, state }) => {
  const locale = ctx.locale;
  const id = reportFormId(s.tap);
  const value = (name: string, fallback = ''): string => defaults[name] ?? fallback;
  const hint = (f: RangedField): string =>
    previous[f] === undefined
      ? rangeHint(f)
      : `${rangeHint(f)} · ${fill(say('report.previous'), { v: previous[f] })}`;
  const choosable = hospitals.filter((h) => !declinedBy.has(h.id));
  return (
    <Form
      action="/tablet/report"
      id={id}
      csrf={ctx.csrf}
      locale={locale}
      state={state}
      fields={fieldLabels(say)}
      draft
    >
      <h3 id="report-form">{say(openAt === undefined ? 'report.newTitle' : 'report.updateTitle')}</h3>
      {openAt === undefined ? null : <p class="meta">{say('report.updateHint')}</p>}
      <input type="hidden" name="tap" value={s.tap} />
      <input type="hidden" name="key" value={newFormKey()} />
      <FieldRow>
        <Field
          name="ageValue"
          label={say('report.age')}
          kind="number"
          width="short"
          hint={rangeHint('ageValue')}
          value={value('ageValue')}
          state={state}
          locale={locale}
          required
        />
        <Field
          name="ageUnit"
          label={`${say('report.age')} (${say('report.ageUnit.years')} / ${say('report.ageUnit.months')})`}
          kind="select"
          options={[
            { value: 'years', label: say('report.ageUnit.years') },
            { value: 'months', label: say('report.ageUnit.months') },
          ]}
          value={value('ageUnit', 'years')}
          state={state}
          locale={locale}
        />
        <Choices
          type="checkbox"
          name="ageEstimated"
          legend={say('report.ageEstimated')}
          choices={[{ value: 'on', label: say('report.ageEstimated') }]}
          value={value('ageEstimated') === 'on' ? 'on' : []}
          state={state}
          locale={locale}
        />
      </FieldRow>
      <Field
        name="mechanism"
        label={say('report.mechanism')}
        kind="textarea"
        value={value('mechanism')}
        state={state}
        locale={locale}
      />
      <Field
        name="injuries"
        label={say('report.injuries')}
        kind="textarea"
        value={value('injuries')}
        state={state}
        locale={locale}
      />
      <Group legend={say('report.signs')} id="signs">
        <FieldRow>
          {NUMBERS.map(([f, label, kind]) => (
            <Field
              name={f}
              label={say(label)}
              kind={kind}
              width="short"
              hint={hint(f)}
              state={state}
              locale={locale}
            />
          ))}
          <Field
            name="jcs"
            label={say('report.jcs')}
            kind="select"
            hint={
              previous['jcs'] === undefined ? undefined : fill(say('report.previous'), { v: previous['jcs'] })
            }
            options={[{ value: '', label: '—' }, ...JCS.map((l) => ({ value: l, label: l }))]}
            state={state}
            locale={locale}
          />
        </FieldRow>
        <FieldRow>
          <Field
            name="gcsE"
            label={`${say('report.gcs')} E`}
            kind="number"
            width="short"
            hint={hint('gcsE')}
            state={state}
            locale={locale}
          />
          <Field
            name="gcsV"
            label={`${say('report.gcs')} V`}
            kind="number"
            width="short"
            hint={hint('gcsV')}
            state={state}
            locale={locale}
          />
          <Field
            name="gcsM"
            label={`${say('report.gcs')} M`}
            kind="number"
            width="short"
            hint={hint('gcsM')}
            state={state}
            locale={locale}
          />
        </FieldRow>
        <FieldRow>
          <Field
            name="pupilL"
            label={`${say('report.pupils')} L`}
            kind="decimal"
            width="short"
            hint={hint('pupilL')}
            state={state}
            locale={locale}
          />
          <Choices
            type="checkbox"
            name="pupilLReactive"
            legend={`L ${say('report.reactive')}`}
            choices={[{ value: 'on', label: say('report.reactive') }]}
            state={state}
            locale={locale}
          />
          <Field
            name="pupilR"
            label={`${say('report.pupils')} R`}
            kind="decimal"
            width="short"
            hint={hint('pupilR')}
            state={state}
            locale={locale}
          />
          <Choices
            type="checkbox"
            name="pupilRReactive"
            legend={`R ${say('report.reactive')}`}
            choices={[{ value: 'on', label: say('report.reactive') }]}
            state={state}
            locale={locale}
          />
        </FieldRow>
      </Group>
      <Field
        name="treatment"
        label={say('report.treatment')}
        kind="textarea"
        value={value('treatment')}
        state={state}
        locale={locale}
      />
      <AcuityLegend locale={locale} />
      <Choices
        type="radio"
        name="acuity"
        legend={say('report.acuity')}
        inline
        choices={ACUITY_LEVELS.map((l) => ({
          value: String(l),
          label: `${l} · ${acuityWords(l, locale).dispatch}`,
          hint: acuityWords(l, locale).jtas,
        }))}
        value={value('acuity', '3')}
        state={state}
        locale={locale}
      />
      <Field
        name="etaMinutes"
        label={say('report.eta')}
        kind="number"
        width="short"
        hint={rangeHint('etaMinutes')}
        state={state}
        locale={locale}
        required
      />
      {openAt === undefined ? (
        <>
          {declinedBy.size > 0 ? <p class="meta">{say('report.chooseAfterDecline')}</p> : null}
          <Field
            name="hospital"
            label={say('report.destination')}
            kind="select"
            options={choosable.map((h) => ({ value: h.id, label: h.name }))}
            state={state}
            locale={locale}
          />
        </>
      ) : (
        <>
          <input type="hidden" name="hospital" value={openAt.id} />
          <SummaryList
            rows={[{ id: 'update-destination', key: say('report.destination'), value: openAt.name }]}
          />
        </>
      )}
      <FieldRow>
        <Field
          name="callSign"
          label={say('report.callSign')}
          width="medium"
          value={value('callSign', contact.callSign)}
          state={state}
          locale={locale}
          required
        />
        <Field
          name="phone"
          label={say('report.phone')}
          kind="tel"
          width="medium"
          value={value('phone', contact.phone)}
          state={state}
          locale={locale}
          required
        />
      </FieldRow>
      <Button big action="send-report">
        {say(openAt === undefined ? 'report.send' : 'report.update')}
      </Button>
    </Form>
  );
};

/**
 * The patient's report: where it stands (loud for accept and decline), the form (new, or an update
 * bound to the open report's destination), and the two dangerous actions on an open report — divert
 * and cancel — each a confirmed second step.
 */
export const ReportPanel: FC<{
  readonly s: CardSession | undefined;
  readonly views: readonly ReportView[];
  readonly ctx: PanelContext;
  readonly say: Say;
  readonly hospitals: readonly Hospital[];
  readonly contact: CrewContact;
  readonly caseId: string | undefined;
  readonly linkUp: boolean;
  /** The patient's age in years from the records, when known: the form's first default. */
  readonly recordAge: number | undefined;
}> = ({ s, views, ctx, say, hospitals, contact, caseId, linkUp, recordAge }) => {
  if (s === undefined) return <p class="empty">{ctx.t('empty.report')}</p>;
  const latest = latestReport(s);
  const name = (id: string): string => hospitals.find((h) => h.id === id)?.name ?? id;
  const latestView = latest === undefined ? undefined : views.find((v) => v.reportId === latest.reportId);
  const open = latest !== undefined && latestView !== undefined && isOpenState(latestView.state);
  const openAt = open ? { id: latest.hospitalId, name: name(latest.hospitalId) } : undefined;
  const declinedBy = new Set(views.filter((v) => v.state === 'declined').map((v) => v.hospitalId));
  const defaults =
    latest === undefined
      ? recordAge === undefined
        ? {}
        : { ageValue: String(recordAge), ageUnit: 'years' }
      : fromReport(latest.input);
  const state = ctx.form?.(reportFormId(s.tap));
  const others = hospitals.filter((h) => h.id !== latest?.hospitalId && !declinedBy.has(h.id));
  return (
    <div data-report-panel={s.tap}>
      <ReportStatus views={views} ctx={ctx} say={say} hospitalName={name} caseId={caseId} linkUp={linkUp} />
      <ReportFormView
        s={s}
        ctx={ctx}
        say={say}
        hospitals={hospitals}
        contact={contact}
        openAt={openAt}
        declinedBy={declinedBy}
        defaults={defaults}
        previous={previousOf(latest?.input.atmist.signs.at(-1))}
        state={state}
      />
      {openAt === undefined ? null : (
        <>
          <Confirm
            id="divert"
            open={say('report.divertOpen')}
            title={say('report.divertTitle')}
            consequence={fill(say('report.divertConsequence'), { from: openAt.name })}
            action="/tablet/divert"
            csrf={ctx.csrf}
            formId={`divert:${s.tap}`}
            hidden={{ tap: s.tap }}
            confirmLabel={say('report.divertConfirm')}
            locale={ctx.locale}
            state={ctx.form?.(`divert:${s.tap}`)}
          >
            <Field
              name="hospital"
              id="divertTo"
              label={say('report.divertTo')}
              kind="select"
              options={others.map((h) => ({ value: h.id, label: h.name }))}
              locale={ctx.locale}
            />
          </Confirm>
          <Confirm
            id="cancel-report"
            open={say('report.cancelOpen')}
            title={say('report.cancelTitle')}
            consequence={fill(say('report.cancelConsequence'), { hospital: openAt.name })}
            action="/tablet/cancel"
            csrf={ctx.csrf}
            formId={`cancel:${s.tap}`}
            hidden={{ tap: s.tap }}
            confirmLabel={say('report.cancelConfirm')}
            locale={ctx.locale}
            state={ctx.form?.(`cancel:${s.tap}`)}
          >
            <Choices
              type="radio"
              name="reason"
              legend={say('report.cancelReason')}
              choices={(['no-transport', 'entered-in-error'] as const).map((r) => ({
                value: r,
                label: say(`cancel.${r}`),
              }))}
              value="no-transport"
              locale={ctx.locale}
            />
          </Confirm>
        </>
      )}
    </div>
  );
};
