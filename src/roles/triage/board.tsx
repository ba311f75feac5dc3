import type { FC } from 'hono/jsx';
import { formatJst, relativeAge, type Translate } from '../../gateway/index.js';
import type { BoardReport, ReportBody } from '../../hospital-feed/index.js';
import { statedAssurance } from '../../records/index.js';
import { AssuranceBadge } from '../assurance-badge.js';
import type { TriageKey, TriageText } from './text.js';

/** Where a report stands at the desk, from its stored flags: one word for the list and the detail. */
export type DeskState = 'new' | 'viewed' | 'accepted' | 'declined' | 'handedOver' | 'cancelled';

export const deskState = (r: BoardReport): DeskState => {
  if (r.status === 'cancelled') return 'cancelled';
  if (r.handedOver) return 'handedOver';
  if (r.answer !== undefined) return r.answer.decision === 'accept' ? 'accepted' : 'declined';
  return r.viewed ? 'viewed' : 'new';
};

export const stateKey = (s: DeskState): TriageKey => `state.${s}`;

/**
 * JTAS colours (1 resuscitation blue, 2 emergent red, 3 urgent yellow, 4 less urgent green,
 * 5 non-urgent white); the level number is always printed too, so colour is never the only signal.
 */
export const ACUITY_COLOURS: Readonly<Record<number, { readonly bg: string; readonly fg: string }>> = {
  1: { bg: '#1f4fd1', fg: '#fff' },
  2: { bg: '#c8102e', fg: '#fff' },
  3: { bg: '#f2c200', fg: '#111' },
  4: { bg: '#2e8b3e', fg: '#fff' },
  5: { bg: '#fff', fg: '#111' },
};

export const Acuity: FC<{ readonly level: number }> = ({ level }) => {
  const c = ACUITY_COLOURS[level] ?? { bg: '#777', fg: '#fff' };
  return (
    <span
      class="acuity"
      data-acuity={String(level)}
      style={`background:${c.bg};color:${c.fg};border:2px solid #111;border-radius:8px;padding:.1rem .6rem;font-weight:700`}
    >
      {level}
    </span>
  );
};

/** Path of a report's detail page; both ids are opaque (a principal id and a UUID), never patient data. */
export const reportPath = (r: { readonly unitId: string; readonly reportId: string }): string =>
  `/triage/reports/${encodeURIComponent(r.unitId)}/${encodeURIComponent(r.reportId)}`;

/**
 * The unit as the key directory names it (the envelope's proven sender), then the call sign the crew
 * typed: the body's own words never stand alone for who sent a report (issue 12, M2).
 */
export const unitLabel = (r: BoardReport): string =>
  `${r.unitName ?? r.unitId}${r.body === undefined ? '' : ` · ${r.body.crew.callSign}`}`;

/** "あと5分" before the ETA, "3分前" after it: an ETA is in the future, unlike every other time shown. */
export const untilEta = (eta: number, now: number, t: Translate, tt: TriageText): string => {
  const minutes = Math.ceil((eta - now) / 60_000);
  return minutes > 0 ? tt('list.inMinutes').replace('{n}', String(minutes)) : relativeAge(eta, now, t);
};

const etaOf = (r: BoardReport): number => Date.parse(r.body?.eta ?? '') || Number.MAX_SAFE_INTEGER;

/** The board's order: soonest arrival first; equal ETAs by acuity, then by arrival at the desk. */
export const byEta = (a: BoardReport, b: BoardReport): number =>
  etaOf(a) - etaOf(b) || (a.body?.acuity ?? 9) - (b.body?.acuity ?? 9) || a.receivedAt - b.receivedAt;

const ageText = (body: ReportBody, tt: TriageText): string =>
  `${body.atmist.age.estimated ? '~' : ''}${body.atmist.age.value}${tt(
    body.atmist.age.unit === 'years' ? 'detail.years' : 'detail.months',
  )}`;

const Row: FC<{
  readonly r: BoardReport;
  readonly body: ReportBody;
  readonly now: number;
  readonly t: Translate;
  readonly tt: TriageText;
}> = ({ r, body, now, t, tt }) => {
  const state = deskState(r);
  const eta = Date.parse(body.eta);
  return (
    <li
      class={`board-row state-${state}`}
      data-report={`${r.unitId}/${r.reportId}`}
      data-state={state}
      data-alert-text={`${tt('alert.new')}: ${unitLabel(r)} · ${tt('list.acuity')} ${body.acuity} · ${tt('list.eta')} ${formatJst(eta)}`}
    >
      <Acuity level={body.acuity} />
      <span class="eta">
        {tt('list.eta')} <time datetime={body.eta}>{formatJst(eta)}</time> ({untilEta(eta, now, t, tt)})
      </span>
      <span class="unit">{unitLabel(r)}</span>
      <span class="age">{ageText(body, tt)}</span>
      <AssuranceBadge assurance={statedAssurance(body.identity)} t={t} />
      <strong class="state">{state === 'cancelled' ? tt('list.cancelled') : tt(stateKey(state))}</strong>
      <a class="button" href={reportPath(r)}>
        {tt('list.open')}
      </a>
    </li>
  );
};

/**
 * The incoming list. Clinical content (complaint, summary, vitals) is only on the audited detail
 * page; the list carries what the desk plans with: acuity, ETA, unit, age, how the patient was
 * identified (so a weak identification is never taken for a card read), state.
 */
export const IncomingList: FC<{
  readonly active: readonly BoardReport[];
  readonly cancelled: readonly BoardReport[];
  readonly now: number;
  readonly t: Translate;
  readonly tt: TriageText;
}> = ({ active, cancelled, now, t, tt }) => (
  <>
    {active.length === 0 && cancelled.length === 0 ? <p class="empty">{t('empty.incoming')}</p> : null}
    <ol class="board" data-board>
      {[...active]
        .sort(byEta)
        .map((r) => (r.body === undefined ? null : <Row r={r} body={r.body} now={now} t={t} tt={tt} />))}
      {cancelled.map((r) =>
        r.body === undefined ? null : <Row r={r} body={r.body} now={now} t={t} tt={tt} />,
      )}
    </ol>
  </>
);
