import type { FC } from 'hono/jsx';
import {
  ActionForm,
  Banner,
  Button,
  Confirm,
  Field,
  FieldRow,
  fill,
  Form,
  PatientList,
  PatientRow,
  Tag,
  Tags,
  type PanelContext,
} from '../../gateway/index.js';
import { AGE_BANDS, hasUnsent, SEXES, type CardSession } from './state.js';
import type { Say } from './text.js';

/** "Patient 2 (unknown patient · 70s · female)": how the crew tells casualties apart, no personal data. */
export const patientLabel = (s: CardSession, say: Say): string => {
  const name = say('patients.number').replace('{n}', String(s.number));
  const d = s.description;
  const origin =
    s.origin === 'card'
      ? say('patients.card')
      : [
          say('patients.unknown'),
          ...(d === undefined ? [] : [say(`age.${d.ageBand}`), say(`sex.${d.sex}`)]),
        ].join(' · ');
  return `${name} (${origin})`;
};

/** The crew's "new patient without a card": an estimated age band and sex, or "unknown". */
const NewPatient: FC<{ readonly ctx: PanelContext; readonly say: Say }> = ({ ctx, say }) => {
  const state = ctx.form?.('patient-new');
  return (
    <Form action="/tablet/patient/new" id="patient-new" csrf={ctx.csrf} locale={ctx.locale} state={state}>
      <FieldRow>
        <Field
          name="ageBand"
          label={say('patients.ageBand')}
          kind="select"
          options={AGE_BANDS.map((b) => ({ value: b, label: say(`age.${b}`) }))}
          state={state}
          locale={ctx.locale}
        />
        <Field
          name="sex"
          label={say('patients.sex')}
          kind="select"
          options={SEXES.map((x) => ({ value: x, label: say(`sex.${x}`) }))}
          state={state}
          locale={ctx.locale}
        />
      </FieldRow>
      <Button variant="secondary" action="new-patient">
        {say('patients.new')}
      </Button>
    </Form>
  );
};

/**
 * Every patient on this tablet (issue 13: several casualties per ambulance), one per row, the one on
 * screen marked; showing another discards nothing (each keeps its session and its draft). A patient
 * other than the one on screen with a report being typed or open is named in a banner (issue 15: a
 * second card or patient never silently ends an open report). Discarding the one on screen is a
 * confirmed second step.
 */
export const PatientsBar: FC<{
  readonly patients: readonly CardSession[];
  readonly current: CardSession | undefined;
  readonly ctx: PanelContext;
  readonly say: Say;
  /** Whether this patient has unsent typing kept as a draft. */
  readonly hasDraft: (tap: string) => boolean;
}> = ({ patients, current, ctx, say, hasDraft }) => {
  const elsewhere = patients.filter(
    (s) => s.tap !== current?.tap && (hasDraft(s.tap) || s.reports.length > 0),
  );
  return (
    <section class="patients" data-patients={String(patients.length)} aria-labelledby="patients-title">
      <h3 id="patients-title">{say('patients.title')}</h3>
      {elsewhere.map((s) => (
        <Banner
          tone="info"
          kind="other-patient"
          locale={ctx.locale}
          title={fill(say('patients.otherOpen'), {
            patient: say('patients.number').replace('{n}', String(s.number)),
          })}
        />
      ))}
      {patients.length === 0 ? null : (
        <PatientList label={say('patients.list')}>
          {patients.map((s) => (
            <PatientRow
              id={s.tap}
              current={s.tap === current?.tap}
              lead={<strong>{String(s.number)}</strong>}
              title={patientLabel(s, say)}
              meta={
                <Tags>
                  <Tag tone={hasUnsent(s) ? 'warning' : 'info'}>
                    {hasUnsent(s)
                      ? say('patients.unsent')
                      : say('patients.reports').replace('{n}', String(s.reports.length))}
                  </Tag>
                  {hasDraft(s.tap) ? (
                    <Tag tone="warning" state="draft">
                      {say('patients.draft')}
                    </Tag>
                  ) : null}
                  {s.tap === current?.tap ? <Tag tone="neutral">{say('patients.onScreen')}</Tag> : null}
                </Tags>
              }
              actions={
                s.tap === current?.tap ? undefined : (
                  <ActionForm
                    action="/tablet/patient/select"
                    csrf={ctx.csrf}
                    hidden={{ patient: s.tap }}
                    name="select-patient"
                    label={say('patients.show')}
                    variant="secondary"
                  />
                )
              }
            />
          ))}
        </PatientList>
      )}
      <NewPatient ctx={ctx} say={say} />
      {current === undefined ? null : (
        <Confirm
          id="discard"
          open={say('patients.discardOpen')}
          title={say('patients.discardTitle')}
          consequence={say('patients.discardConsequence')}
          action="/tablet/patient/discard"
          csrf={ctx.csrf}
          hidden={{ tap: current.tap }}
          confirmLabel={say('patients.discardConfirm')}
          locale={ctx.locale}
        />
      )}
    </section>
  );
};
