import type { FC } from 'hono/jsx';
import {
  AcuityLegend,
  acuityWords,
  ACUITY_LEVELS,
  Button,
  Choices,
  choicesTarget,
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
import { newFormKey, rangeHint, type RangedField } from './report-form.js';
import type { CardSession } from './state.js';
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

/** The report's sex choices, in the feed's vocabulary (dispatch SEXES: what the board words). */
const SEX_CHOICES = ['male', 'female', 'unknown'] as const;

const NUMBERS: readonly [RangedField, TextKey, 'number' | 'decimal'][] = [
  ['hr', 'report.hr', 'number'],
  ['sys', 'report.sys', 'number'],
  ['dia', 'report.dia', 'number'],
  ['rr', 'report.rr', 'number'],
  ['spo2', 'report.spo2', 'number'],
  ['temp', 'report.temp', 'decimal'],
];
const GCS = [
  ['gcsE', 'E'],
  ['gcsV', 'V'],
  ['gcsM', 'M'],
] as const;
const PUPILS = [
  ['pupilL', 'pupilLReactive', 'L'],
  ['pupilR', 'pupilRReactive', 'R'],
] as const;

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
    sex: { label: say('report.sex'), target: choicesTarget('sex', SEX_CHOICES[0]) },
    mechanism: { label: say('report.mechanism') },
    injuries: { label: say('report.injuries') },
    ...Object.fromEntries(NUMBERS.map(([f, label]) => [f, n(label, f)])),
    jcs: { label: say('report.jcs') },
    ...Object.fromEntries(GCS.map(([f]) => [f, n('report.gcs', f)])),
    ...Object.fromEntries(PUPILS.map(([f]) => [f, n('report.pupils', f)])),
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
 * is the divert action, explicit and confirmed).
 */
export const ReportFormView: FC<{
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
  // Every field shows what this form kept (a refused post, a draft) in the page's language.
  const kept = { state, locale: ctx.locale };
  const value = (name: string, fallback = ''): string => defaults[name] ?? fallback;
  const last = (f: string): string | undefined =>
    previous[f] === undefined ? undefined : fill(say('report.previous'), { v: previous[f] });
  const ranged = (f: RangedField, label: string, kind: 'number' | 'decimal' = 'number') => (
    <Field
      name={f}
      label={label}
      kind={kind}
      width="short"
      hint={[rangeHint(f), last(f)].filter((x) => x !== undefined).join(' · ')}
      {...kept}
    />
  );
  const text = (name: 'mechanism' | 'injuries' | 'treatment') => (
    <Field name={name} label={say(`report.${name}`)} kind="textarea" value={value(name)} {...kept} />
  );
  const choosable = hospitals.filter((h) => !declinedBy.has(h.id));
  return (
    <Form
      action="/tablet/report"
      id={reportFormId(s.tap)}
      csrf={ctx.csrf}
      locale={ctx.locale}
      state={state}
      fields={fieldLabels(say)}
      hidden={{ tap: s.tap, key: newFormKey(), ...(openAt === undefined ? {} : { hospital: openAt.id }) }}
      draft
    >
      <h3 id="report-form">{say(openAt === undefined ? 'report.newTitle' : 'report.updateTitle')}</h3>
      {openAt === undefined ? null : <p class="meta">{say('report.updateHint')}</p>}
      <FieldRow>
        <Field
          name="ageValue"
          label={say('report.age')}
          kind="number"
          width="short"
          hint={rangeHint('ageValue')}
          value={value('ageValue')}
          required
          {...kept}
        />
        <Field
          name="ageUnit"
          label={`${say('report.age')} (${say('report.ageUnit.years')} / ${say('report.ageUnit.months')})`}
          kind="select"
          options={(['years', 'months'] as const).map((u) => ({
            value: u,
            label: say(`report.ageUnit.${u}`),
          }))}
          value={value('ageUnit', 'years')}
          {...kept}
        />
        <Choices
          type="checkbox"
          name="ageEstimated"
          legend={say('report.ageEstimated')}
          choices={[{ value: 'on', label: say('report.ageEstimated') }]}
          value={value('ageEstimated') === 'on' ? 'on' : []}
          {...kept}
        />
      </FieldRow>
      <Choices
        type="radio"
        name="sex"
        legend={say('report.sex')}
        inline
        choices={SEX_CHOICES.map((x) => ({ value: x, label: say(`sex.${x}`) }))}
        value={value('sex')}
        {...kept}
      />
      {text('mechanism')}
      {text('injuries')}
      <Group legend={say('report.signs')} id="signs">
        <FieldRow>
          {NUMBERS.map(([f, label, kind]) => ranged(f, say(label), kind))}
          <Field
            name="jcs"
            label={say('report.jcs')}
            kind="select"
            hint={last('jcs')}
            options={[{ value: '', label: '—' }, ...JCS.map((l) => ({ value: l, label: l }))]}
            {...kept}
          />
        </FieldRow>
        <FieldRow>{GCS.map(([f, x]) => ranged(f, `${say('report.gcs')} ${x}`))}</FieldRow>
        <FieldRow>
          {PUPILS.map(([f, reactive, side]) => (
            <>
              {ranged(f, `${say('report.pupils')} ${side}`, 'decimal')}
              <Choices
                type="checkbox"
                name={reactive}
                legend={`${side} ${say('report.reactive')}`}
                choices={[{ value: 'on', label: say('report.reactive') }]}
                {...kept}
              />
            </>
          ))}
        </FieldRow>
      </Group>
      {text('treatment')}
      <AcuityLegend locale={ctx.locale} />
      <Choices
        type="radio"
        name="acuity"
        legend={say('report.acuity')}
        inline
        choices={ACUITY_LEVELS.map((l) => ({
          value: String(l),
          label: `${l} · ${acuityWords(l, ctx.locale).dispatch}`,
          hint: acuityWords(l, ctx.locale).jtas,
        }))}
        value={value('acuity', '3')}
        {...kept}
      />
      <Field
        name="etaMinutes"
        label={say('report.eta')}
        kind="number"
        width="short"
        hint={rangeHint('etaMinutes')}
        required
        {...kept}
      />
      {openAt === undefined ? (
        <>
          {declinedBy.size > 0 ? <p class="meta">{say('report.chooseAfterDecline')}</p> : null}
          <Field
            name="hospital"
            label={say('report.destination')}
            kind="select"
            options={choosable.map((h) => ({ value: h.id, label: h.name }))}
            {...kept}
          />
        </>
      ) : (
        <SummaryList
          rows={[{ id: 'update-destination', key: say('report.destination'), value: openAt.name }]}
        />
      )}
      <FieldRow>
        <Field
          name="callSign"
          label={say('report.callSign')}
          width="medium"
          value={value('callSign', contact.callSign)}
          required
          {...kept}
        />
        <Field
          name="phone"
          label={say('report.phone')}
          kind="tel"
          width="medium"
          value={value('phone', contact.phone)}
          required
          {...kept}
        />
      </FieldRow>
      <Button big action="send-report">
        {say(openAt === undefined ? 'report.send' : 'report.update')}
      </Button>
    </Form>
  );
};
