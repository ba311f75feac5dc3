import type { FC } from 'hono/jsx';
import { AcuityTag, Banner, Button, ButtonGroup, ButtonLink, type Locale } from '../../gateway/index.js';
import type { BoardReport } from '../../hospital-feed/index.js';
import { ageBandText, words } from '../dispatch-text.js';
import type { IncomingInquiry } from '../hospital/index.js';
import type { OpenAlert } from './alert-desk.js';
import { alertSignal, type AlertKind } from './alerts.js';
import { clockTime, EtaCountdown, reportPath, unitLabel } from './board.js';
import type { TriageKey, TriageText } from './text.js';

const KIND_TEXT: Readonly<Record<AlertKind, TriageKey>> = {
  'new-report': 'alert.new',
  'acuity-raised': 'alert.acuityRaised',
  message: 'alert.message',
  inquiry: 'alert.inquiry',
};

export interface AlertViewDeps {
  readonly report: (unitId: string, reportId: string) => BoardReport | undefined;
  readonly inquiry: (inquiryId: string) => IncomingInquiry | undefined;
  /** Who to call when an alert escalates (configuration `triage.escalationContact`), shown as written. */
  readonly contact: string | undefined;
}

/** "1:32" left to answer; the board's script counts it down each second from `data-until`. */
const secondsLeft = (deadline: number, now: number): string => {
  const s = Math.max(0, Math.ceil((deadline - now) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

const What: FC<{
  readonly open: OpenAlert;
  readonly deps: AlertViewDeps;
  readonly now: number;
  readonly locale: Locale;
  readonly tt: TriageText;
}> = ({ open, deps, now, locale, tt }) => {
  const { alert } = open;
  const s = alert.subject;
  if (s.kind === 'report') {
    const r = deps.report(s.unitId, s.reportId);
    const eta = Date.parse(r?.body?.eta ?? '');
    return (
      <span class="what">
        {alert.acuity === undefined ? null : <AcuityTag level={alert.acuity} locale={locale} />}
        {Number.isFinite(eta) ? (
          <>
            {' '}
            {tt('list.eta')} {clockTime(eta)} (<EtaCountdown eta={eta} now={now} tt={tt} />)
          </>
        ) : null}
        <Since open={open} now={now} tt={tt} />
      </span>
    );
  }
  const inquiry = deps.inquiry(s.inquiryId)?.message;
  const w = words(locale);
  return (
    <span class="what">
      {inquiry === undefined
        ? null
        : `${w.category[inquiry.category]} · ${w.acuity[inquiry.acuity]} · ${ageBandText(locale, inquiry.ageBand)} · ${w.sex[inquiry.sex]} · ${w.w.eta} ${inquiry.etaMinutes}${w.w.minutes}`}
      {alert.deadline === undefined ? null : (
        <>
          {' · '}
          {tt('alert.answerWithin')}{' '}
          <strong data-countdown="seconds" data-until={String(alert.deadline)}>
            {secondsLeft(alert.deadline, now)}
          </strong>
        </>
      )}
      <Since open={open} now={now} tt={tt} />
    </span>
  );
};

/** How long nobody has acknowledged it, and, once escalated, who was to be told. */
const Since: FC<{ readonly open: OpenAlert; readonly now: number; readonly tt: TriageText }> = ({
  open,
  now,
  tt,
}) => (
  <small>
    {tt('alert.unacked').replace('{n}', String(Math.floor((now - open.alert.raisedAt) / 60_000)))}
  </small>
);

/** The banner's title: what it is about, in words, with the unit for a report's alert. */
const titleOf = (open: OpenAlert, deps: AlertViewDeps, tt: TriageText): string => {
  const s = open.alert.subject;
  const r = s.kind === 'report' ? deps.report(s.unitId, s.reportId) : undefined;
  return `${tt(KIND_TEXT[open.alert.kind])}${r === undefined ? '' : ` · ${unitLabel(r)}`}`;
};

/**
 * The unacknowledged alerts, at the top of the board until each is acknowledged: one critical
 * banner and one button per alert (acknowledgement is per item, audited). `data-alert-signal`
 * changes with every re-alert round and at escalation; the board's script sounds once per new signal.
 */
export const AlertStrip: FC<{
  readonly open: readonly OpenAlert[];
  readonly deps: AlertViewDeps;
  readonly csrf: string;
  readonly now: number;
  readonly locale: Locale;
  readonly tt: TriageText;
  /** `report`: the acknowledgement returns to the report's page instead of the board. */
  readonly back?: 'board' | 'report';
  /** A kiosk board while idle: the button says the PIN comes first (the gateway asks for it). */
  readonly locked?: boolean;
}> = ({ open, deps, csrf, now, locale, tt, back = 'board', locked = false }) =>
  open.length === 0 ? null : (
    <div class="alerts" data-alerts role="region" aria-label={tt('alerts.title')}>
      {open.map((o) => {
        const escalated = o.phase.kind === 'escalated';
        const s = o.alert.subject;
        return (
          <div
            class="alert-item"
            data-alert-key={o.alert.key}
            data-alert-kind={o.alert.kind}
            data-alert-signal={alertSignal(o.phase)}
            data-escalated={escalated ? 'yes' : undefined}
          >
            <Banner
              tone="critical"
              title={titleOf(o, deps, tt)}
              locale={locale}
              kind={escalated ? 'alert-escalated' : 'alert'}
              alert
            >
              <p>
                <What open={o} deps={deps} now={now} locale={locale} tt={tt} />
              </p>
              {escalated ? (
                <p data-escalation>
                  <strong>
                    {tt('alert.escalated')} ·{' '}
                    {deps.contact === undefined
                      ? tt('alert.noContact')
                      : `${tt('alert.contact')}: ${deps.contact}`}
                  </strong>
                </p>
              ) : null}
              <ButtonGroup>
                {s.kind === 'report' && back === 'board' ? (
                  <ButtonLink href={reportPath(s)}>{tt('list.open')}</ButtonLink>
                ) : null}
                {s.kind === 'inquiry' ? (
                  <ButtonLink href={`#inquiry-${s.inquiryId}`}>{tt('alert.toInquiry')}</ButtonLink>
                ) : null}
                <form method="post" action="/triage/alerts/ack">
                  <input type="hidden" name="_csrf" value={csrf} />
                  <input type="hidden" name="key" value={o.alert.key} />
                  <input type="hidden" name="back" value={back} />
                  <Button variant="secondary" action="ack">
                    {tt(locked ? 'alert.ackLocked' : 'alert.ack')}
                  </Button>
                </form>
              </ButtonGroup>
            </Banner>
          </div>
        );
      })}
    </div>
  );
