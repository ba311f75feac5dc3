import type { FC } from 'hono/jsx';
import { Choices, Confirm, Field, fill, type PanelContext } from '../../gateway/index.js';
import type { ReportView } from '../../hospital-feed/index.js';
import { firstDefaults, fromReport, previousOf } from './report-defaults.js';
import { ReportFormView, reportFormId, type CrewContact, type Hospital } from './report-form-view.js';
import { ReportStatus } from './report-status.js';
import { isOpenState, latestReport, type CardSession, type Sex } from './state.js';
import type { Say } from './text.js';

/**
 * The two dangerous actions on an open report, each a confirmed second step: divert (the report is
 * cancelled at its hospital and sent to another) and cancel (no transport, entered in error).
 */
const OpenReportActions: FC<{
  readonly tap: string;
  readonly openAt: Hospital;
  readonly others: readonly Hospital[];
  readonly ctx: PanelContext;
  readonly say: Say;
}> = ({ tap, openAt, others, ctx, say }) => {
  const confirm = (action: 'divert' | 'cancel') => ({
    action: `/tablet/${action}`,
    csrf: ctx.csrf,
    formId: `${action}:${tap}`,
    hidden: { tap },
    locale: ctx.locale,
    state: ctx.form?.(`${action}:${tap}`),
  });
  return (
    <>
      <Confirm
        id="divert"
        open={say('report.divertOpen')}
        title={say('report.divertTitle')}
        consequence={fill(say('report.divertConsequence'), { from: openAt.name })}
        confirmLabel={say('report.divertConfirm')}
        {...confirm('divert')}
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
        confirmLabel={say('report.cancelConfirm')}
        {...confirm('cancel')}
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
  /** The patient's sex from the records (FHIR Patient.gender), when known: pre-chosen on a first report. */
  readonly recordSex?: Sex | undefined;
}> = ({ s, views, ctx, say, hospitals, contact, caseId, linkUp, recordAge, recordSex }) => {
  if (s === undefined) return <p class="empty">{ctx.t('empty.report')}</p>;
  const latest = latestReport(s);
  const name = (id: string): string => hospitals.find((h) => h.id === id)?.name ?? id;
  const latestView = latest === undefined ? undefined : views.find((v) => v.reportId === latest.reportId);
  const open = latest !== undefined && latestView !== undefined && isOpenState(latestView.state);
  const openAt = open ? { id: latest.hospitalId, name: name(latest.hospitalId) } : undefined;
  const declinedBy = new Set(views.filter((v) => v.state === 'declined').map((v) => v.hospitalId));
  const defaults =
    latest === undefined ? firstDefaults(s, { age: recordAge, sex: recordSex }) : fromReport(latest.input);
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
        state={ctx.form?.(reportFormId(s.tap))}
      />
      {openAt === undefined ? null : (
        <OpenReportActions tap={s.tap} openAt={openAt} others={others} ctx={ctx} say={say} />
      )}
    </div>
  );
};
