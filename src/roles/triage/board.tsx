import type { FC } from 'hono/jsx';
import {
  AcuityLegend,
  AcuityTag,
  ButtonLink,
  formatJst,
  Tag,
  type Locale,
  type TagTone,
  type Translate,
} from '../../gateway/index.js';
import type { BoardReport, ReportBody } from '../../hospital-feed/index.js';
import { statedAssurance } from '../../summary/index.js';
import { AssuranceBadge } from '../assurance-badge.js';
import { words } from '../dispatch-text.js';
import type { BoardLists, RecentReason } from './lists.js';
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

/** The state as a tag: what needs the desk stands out, what is settled is quiet. */
const STATE_TONE: Readonly<Record<DeskState, TagTone>> = {
  new: 'danger',
  viewed: 'info',
  accepted: 'success',
  declined: 'warning',
  handedOver: 'neutral',
  cancelled: 'neutral',
};

export const StateTag: FC<{ readonly state: DeskState; readonly text: string }> = ({ state, text }) => (
  <Tag tone={STATE_TONE[state]} state={state}>
    {text}
  </Tag>
);

/** Path of a report's detail page; both ids are opaque (a principal id and a UUID), never patient data. */
export const reportPath = (r: { readonly unitId: string; readonly reportId: string }): string =>
  `/triage/reports/${encodeURIComponent(r.unitId)}/${encodeURIComponent(r.reportId)}`;

/**
 * The unit as the key directory names it (the envelope's proven sender), then the call sign the crew
 * typed: the body's own words never stand alone for who sent a report (issue 12, M2).
 */
export const unitLabel = (r: BoardReport): string =>
  `${r.unitName ?? r.unitId}${r.body === undefined ? '' : ` · ${r.body.crew.callSign}`}`;

const say = (text: string, n: number): string => text.replace('{n}', String(n));

/** "あと5分" before the ETA, "3分遅れ" after it: an ETA is in the future, unlike every other time shown. */
export const untilEta = (eta: number, now: number, tt: TriageText): string => {
  const minutes = Math.ceil((eta - now) / 60_000);
  return minutes > 0
    ? say(tt('list.inMinutes'), minutes)
    : say(tt('list.late'), Math.floor((now - eta) / 60_000));
};

/**
 * A count-down the board's script keeps current between redraws (the panel is redrawn only when
 * something changes): it re-renders from `data-until` with the same two templates.
 */
export const EtaCountdown: FC<{ readonly eta: number; readonly now: number; readonly tt: TriageText }> = ({
  eta,
  now,
  tt,
}) => (
  <span
    data-countdown="minutes"
    data-until={String(eta)}
    data-future={tt('list.inMinutes')}
    data-past={tt('list.late')}
  >
    {untilEta(eta, now, tt)}
  </span>
);

/** The time of day of an ETA ("14:03"); the date is on the detail page. */
export const clockTime = (epochMs: number): string => formatJst(epochMs).slice(11, 16);

export const ageText = (body: ReportBody, tt: TriageText): string =>
  `${body.atmist.age.estimated ? '~' : ''}${body.atmist.age.value}${tt(
    body.atmist.age.unit === 'years' ? 'detail.years' : 'detail.months',
  )}`;

const sexText = (body: ReportBody, locale: Locale, tt: TriageText): string =>
  body.atmist.sex === undefined ? tt('list.sexNotStated') : words(locale).sex[body.atmist.sex];

/** A wall display line stays one line tall enough to read: the complaint in full is on the detail page. */
const COMPLAINT_CHARS = 60;
export const complaintText = (body: ReportBody): string => {
  const text = body.atmist.mechanism.trim().replace(/\s+/g, ' ');
  return [...text].length > COMPLAINT_CHARS ? `${[...text].slice(0, COMPLAINT_CHARS - 1).join('')}…` : text;
};

interface RowProps {
  readonly r: BoardReport & { readonly body: ReportBody };
  readonly now: number;
  readonly locale: Locale;
  readonly t: Translate;
  readonly tt: TriageText;
  readonly alerting: boolean;
  readonly recent?: RecentReason;
}

/**
 * One patient, one line: each fact in its own cell of a fixed grid, so two facts never run together
 * ("デモ救急0165歳") and the open button never wraps or covers the next row.
 */
const Row: FC<RowProps> = ({ r, now, locale, t, tt, alerting, recent }) => {
  const state = deskState(r);
  const eta = Date.parse(r.body.eta);
  return (
    <li
      class="board-row"
      data-report={`${r.unitId}/${r.reportId}`}
      data-state={state}
      data-alerting={alerting ? 'yes' : undefined}
    >
      <span class="cell c-acuity">
        <AcuityTag level={r.body.acuity} locale={locale} />
      </span>
      <span class="cell c-eta">
        <strong>
          {recent === undefined ? <EtaCountdown eta={eta} now={now} tt={tt} /> : clockTime(eta)}
        </strong>
        <small>
          {tt('list.eta')} <time datetime={r.body.eta}>{clockTime(eta)}</time>
        </small>
      </span>
      <span class="cell c-who">
        {ageText(r.body, tt)} {sexText(r.body, locale, tt)}
      </span>
      <span class="cell c-complaint">
        {complaintText(r.body)}
        <small>{unitLabel(r)}</small>
      </span>
      <span class="cell c-assurance">
        <AssuranceBadge assurance={statedAssurance(r.body.identity)} t={t} />
      </span>
      <span class="cell c-state">
        <StateTag state={state} text={recent === undefined ? tt(stateKey(state)) : tt(`recent.${recent}`)} />
      </span>
      <span class="cell c-open">
        <ButtonLink href={reportPath(r)}>{tt('list.open')}</ButtonLink>
      </span>
    </li>
  );
};

/**
 * The wall display: the legend, the live list by ETA and the recent list (finished or long overdue).
 * The list carries what the desk plans with at a glance; the audited detail page carries the rest.
 */
export const IncomingList: FC<{
  readonly lists: BoardLists;
  readonly alerting: ReadonlySet<string>;
  readonly now: number;
  readonly locale: Locale;
  readonly t: Translate;
  readonly tt: TriageText;
}> = ({ lists, alerting, now, locale, t, tt }) => (
  <>
    <AcuityLegend locale={locale} />
    <h3 class="board-title">{tt('list.board')}</h3>
    {lists.live.length === 0 ? <p class="empty">{t('empty.incoming')}</p> : null}
    <ol class="board" data-board>
      {lists.live.map((r) => (
        <Row
          r={r}
          now={now}
          locale={locale}
          t={t}
          tt={tt}
          alerting={alerting.has(`${r.unitId}/${r.reportId}`)}
        />
      ))}
    </ol>
    {lists.recent.length === 0 ? null : (
      <>
        <h3 class="board-title">{tt('recent.title')}</h3>
        <ol class="board recent" data-recent>
          {lists.recent.map(({ r, reason }) => (
            <Row
              r={r}
              now={now}
              locale={locale}
              t={t}
              tt={tt}
              alerting={alerting.has(`${r.unitId}/${r.reportId}`)}
              recent={reason}
            />
          ))}
        </ol>
      </>
    )}
  </>
);
