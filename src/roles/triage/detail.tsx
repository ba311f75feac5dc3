import type { Child, FC } from 'hono/jsx';
import { AcuityTag, formatJst, type Locale, type Translate } from '../../gateway/index.js';
import {
  DECLINE_REASONS,
  type BoardReport,
  type ReportBody,
  type StoredAttachment,
  type Summary,
} from '../../hospital-feed/index.js';
import { statedAssurance } from '../../summary/index.js';
import { AssuranceBadge } from '../assurance-badge.js';
import { ageText, deskState, reportPath, stateKey, unitLabel, untilEta } from './board.js';
import { words } from '../dispatch-text.js';
import { AttachmentsSection } from './attachments-section.js';
import { CriticalFlagsView, HISTORY_SECTIONS, Sections } from './summary-view.js';
import { reasonKey, type TriageText } from './text.js';

type Vitals = ReportBody['atmist']['signs'][number];

/** JCS as entered: the level with its R/I/A modifiers ("10-R"), never converted to GCS. */
export const jcsText = (jcs: NonNullable<Vitals['jcs']>): string =>
  jcs.modifiers.length === 0 ? String(jcs.level) : `${jcs.level}-${jcs.modifiers.join('')}`;

/** GCS as entered, by component, with the total the components add up to ("E3V4M6 = 13"). */
export const gcsText = (gcs: NonNullable<Vitals['gcs']>): string =>
  `E${gcs.e}V${gcs.v}M${gcs.m} = ${gcs.e + gcs.v + gcs.m}`;

/** ↑ / ↓ against the previous observation of the same sign, so a trend reads at a glance. */
const trend = (value: number | undefined, previous: number | undefined): string =>
  value === undefined || previous === undefined || value === previous ? '' : value > previous ? ' ↑' : ' ↓';

const cell = (value: number | undefined, previous: number | undefined, unit = ''): string =>
  value === undefined ? '—' : `${value}${unit}${trend(value, previous)}`;

const VitalsTable: FC<{ readonly signs: readonly Vitals[]; readonly tt: TriageText }> = ({ signs, tt }) => (
  <table data-vitals>
    <thead>
      <tr>
        {(
          [
            'vitals.at',
            'vitals.hr',
            'vitals.bp',
            'vitals.rr',
            'vitals.spo2',
            'vitals.temp',
            'vitals.jcs',
            'vitals.gcs',
            'vitals.pupils',
          ] as const
        ).map((k) => (
          <th>{tt(k)}</th>
        ))}
      </tr>
    </thead>
    <tbody>
      {signs.map((s, i) => {
        const p = i === 0 ? undefined : signs[i - 1];
        return (
          <tr>
            <td>{formatJst(Date.parse(s.at))}</td>
            <td>{cell(s.heartRate, p?.heartRate)}</td>
            <td>
              {s.systolic === undefined
                ? '—'
                : `${cell(s.systolic, p?.systolic)}/${s.diastolic === undefined ? '—' : cell(s.diastolic, p?.diastolic)}`}
            </td>
            <td>{cell(s.respiratoryRate, p?.respiratoryRate)}</td>
            <td>{cell(s.spo2, p?.spo2, '%')}</td>
            <td>{cell(s.temperatureC, p?.temperatureC, '℃')}</td>
            <td data-jcs>{s.jcs === undefined ? '—' : jcsText(s.jcs)}</td>
            <td data-gcs>{s.gcs === undefined ? '—' : gcsText(s.gcs)}</td>
            <td>
              {s.pupils === undefined
                ? '—'
                : `${s.pupils.leftMm}${s.pupils.leftReactive ? '+' : '−'} / ${s.pupils.rightMm}${s.pupils.rightReactive ? '+' : '−'}`}
            </td>
          </tr>
        );
      })}
    </tbody>
  </table>
);

/** Allergies, contraindications, critical flags, advance directives, devices, pregnancy: first. */
const SafetyFirst: FC<{ readonly summary: Summary | undefined; readonly tt: TriageText }> = ({
  summary,
  tt,
}) => (
  <section data-safety>
    <h2>{tt('detail.safety')}</h2>
    <Sections keys={['allergies', 'contraindications']} summary={summary} tt={tt} />
    <CriticalFlagsView summary={summary} tt={tt} />
    <Sections keys={['advanceDirectives', 'devices', 'pregnancy']} summary={summary} tt={tt} />
  </section>
);

/** `locked`: a kiosk board while idle; each button says the PIN comes first (the gateway asks for it). */
const Actions: FC<{
  readonly r: BoardReport;
  readonly csrf: string;
  readonly tt: TriageText;
  readonly locked: boolean;
}> = ({ r, csrf, tt, locked }) => (
  <section data-actions>
    {deskState(r) !== 'new' ? null : (
      // A person's acknowledgement, never sent by the page itself: the crew's "viewed" means seen.
      <form method="post" action={`${reportPath(r)}/viewed`} data-viewed-form>
        <input type="hidden" name="_csrf" value={csrf} />
        <button type="submit" data-action="viewed">
          {tt('action.viewed')}
          {locked ? tt('action.pinFirst') : null}
        </button>
      </form>
    )}
    <form method="post" action={`${reportPath(r)}/answer`}>
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="decision" value="accept" />
      <button type="submit" data-action="accept">
        {tt('action.accept')}
        {locked ? tt('action.pinFirst') : null}
      </button>
    </form>
    <form method="post" action={`${reportPath(r)}/answer`}>
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="decision" value="decline" />
      <label for="reason">{tt('action.reason')}</label>
      <select id="reason" name="reason">
        {DECLINE_REASONS.map((reason) => (
          <option value={reason}>{tt(reasonKey(reason))}</option>
        ))}
      </select>
      <label for="note">{tt('action.note')}</label>
      <textarea id="note" name="note" maxlength={500} rows={2} />
      <button type="submit" data-action="decline">
        {tt('action.decline')}
        {locked ? tt('action.pinFirst') : null}
      </button>
    </form>
    <form method="post" action={`${reportPath(r)}/handover`}>
      <input type="hidden" name="_csrf" value={csrf} />
      <button type="submit" data-action="handover">
        {tt('action.handover')}
        {locked ? tt('action.pinFirst') : null}
      </button>
    </form>
  </section>
);

/** One report, opened: safety first, then ATMIST with the vital-sign trend, crew, and the desk's actions. */
export const ReportDetail: FC<{
  readonly r: BoardReport;
  readonly body: ReportBody;
  readonly csrf: string;
  readonly now: number;
  readonly locale: Locale;
  readonly t: Translate;
  readonly tt: TriageText;
  /** The report's open alerts, with their acknowledge buttons. */
  readonly children?: Child;
  /** The report's photos and PDFs (issue 16), complete or refused. */
  readonly attachments: readonly StoredAttachment[];
  /** A kiosk board while idle: its actions need the PIN first. */
  readonly locked: boolean;
}> = ({ r, body, csrf, now, locale, t, tt, children, attachments, locked }) => {
  const state = deskState(r);
  const a = body.atmist;
  const eta = Date.parse(body.eta);
  const declined = r.answer?.decision === 'decline' ? r.answer : undefined;
  return (
    <main data-report-detail data-state={state}>
      <script src="/assets/triage.js" defer></script>
      <p>
        <a class="button" href="/">
          {tt('detail.back')}
        </a>
      </p>
      {state === 'cancelled' ? (
        <p class="error" role="alert" data-cancelled>
          {tt('detail.cancelledBanner')}
        </p>
      ) : null}
      {children}
      <section>
        <h2>
          <AcuityTag level={body.acuity} locale={locale} /> {unitLabel(r)} ·{' '}
          <span data-desk-state>{tt(stateKey(state))}</span>
          {declined === undefined ? null : ` (${tt(reasonKey(declined.reason))})`}
        </h2>
        <p data-identity>
          <AssuranceBadge assurance={statedAssurance(body.identity)} t={t} />
        </p>
        {declined?.note === undefined ? null : (
          <p data-decline-note>
            {tt('detail.declineNote')}: <q>{declined.note}</q>
          </p>
        )}
        <p>
          {tt('detail.eta')}: {formatJst(eta)} ({untilEta(eta, now, tt)}) · {tt('detail.acuity')}:{' '}
          {body.acuity} · {ageText(body, tt)}{' '}
          {body.atmist.sex === undefined ? tt('list.sexNotStated') : words(locale).sex[body.atmist.sex]}
        </p>
      </section>
      <SafetyFirst summary={body.summary} tt={tt} />
      {state === 'cancelled' || state === 'handedOver' ? null : (
        <Actions r={r} csrf={csrf} tt={tt} locked={locked} />
      )}
      <section data-atmist>
        <h2>{tt('detail.atmist')}</h2>
        <dl>
          <dt>{tt('detail.age')}</dt>
          <dd>
            {a.age.value} {tt(a.age.unit === 'years' ? 'detail.years' : 'detail.months')}
            {a.age.estimated ? ` (${tt('detail.estimated')})` : ''}
          </dd>
          <dt>{tt('detail.time')}</dt>
          <dd>{formatJst(Date.parse(a.time))}</dd>
          <dt>{tt('detail.mechanism')}</dt>
          <dd>{a.mechanism}</dd>
          <dt>{tt('detail.injuries')}</dt>
          <dd>{a.injuries}</dd>
          <dt>{tt('detail.treatment')}</dt>
          <dd>{a.treatment}</dd>
        </dl>
        <h3>{tt('detail.signs')}</h3>
        <VitalsTable signs={a.signs} tt={tt} />
      </section>
      <AttachmentsSection r={r} attachments={attachments} locale={locale} />
      <section data-history>
        <h2>{tt('detail.history')}</h2>
        <Sections keys={HISTORY_SECTIONS} summary={body.summary} tt={tt} />
        {body.summary === undefined ? null : (
          <p>
            {tt('detail.dataAsOf')}: {formatJst(Date.parse(body.summary.dataAsOf))}
          </p>
        )}
      </section>
      <section data-crew>
        <h2>{tt('detail.crew')}</h2>
        <p>
          {unitLabel(r)} ({r.unitId}) · <a href={`tel:${body.crew.phone}`}>{body.crew.phone}</a>
        </p>
      </section>
      <p>
        <a class="button" href={`/api/v1${reportPath(r)}/fhir`} download data-export>
          {tt('action.export')}
        </a>
      </p>
    </main>
  );
};
