import type { FC } from 'hono/jsx';
import { refusalCount, UNIT_MILESTONES, type DispatchKpis, type InquiryState } from '../../dispatch/index.js';
import { formatJst, type PanelContext } from '../../gateway/index.js';
import { Banner } from '../../gateway/ui/components/index.js';
import { words } from '../dispatch-text.js';

/** The live inquiry board: each case, each hospital asked and where it stands; the escalation alert. */
export const InquiryBoard: FC<{
  ctx: PanelContext;
  cases: readonly InquiryState[];
  names: ReadonlyMap<string, string>;
  notSent: (inquiryId: string) => boolean;
}> = ({ ctx, cases, names, notSent }) => {
  const w = words(ctx.locale);
  return (
    <>
      {cases.map((c) => {
        const exhausted =
          c.outcome === 'open' && c.targets.length > 0 && c.targets.every((t) => t.phase !== 'pending');
        return (
          <div class="case" data-case={c.request.caseId} data-outcome={c.outcome}>
            <strong>
              {w.w.caseId} {c.request.caseId} · {w.category[c.request.category]} ·{' '}
              {w.acuity[c.request.acuity]} ·{' '}
              {c.outcome === 'accepted'
                ? `${w.phase.accepted}: ${names.get(c.winner ?? '') ?? c.winner}`
                : `${c.targets.length} / ${refusalCount(c)}`}
            </strong>
            {c.escalatedAt === undefined ? null : (
              <p class="alert" role="alert" data-alert="escalated">
                {w.w.escalated} ({formatJst(c.escalatedAt)})
              </p>
            )}
            {exhausted ? <p class="hint">{w.w.exhausted}</p> : null}
            <table class="small">
              <tbody>
                {c.targets.map((t) => (
                  <tr data-target={t.hospitalId}>
                    <td>{names.get(t.hospitalId) ?? t.hospitalId}</td>
                    <td data-phase={t.phase}>
                      {w.phase[t.phase]}
                      {t.declineReason === undefined ? '' : ` (${w.decline[t.declineReason]})`}
                      {notSent(t.inquiryId) ? <span data-not-sent> · {w.w.notSentShort}</span> : null}
                    </td>
                    <td>{formatJst(t.answeredAt ?? t.sentAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {c.outcome === 'open' ? (
              <form method="post" action="/dispatch/cases/cancel">
                <input type="hidden" name="_csrf" value={ctx.csrf} />
                <input type="hidden" name="caseId" value={c.request.caseId} />
                <button type="submit">{w.w.cancel}</button>
              </form>
            ) : null}
          </div>
        );
      })}
    </>
  );
};

const m = (n: number | undefined): string => (n === undefined ? '—' : n.toFixed(1));

/** "k / n (p %)": a count always with its denominator, so no figure reads against another base. */
const ofBase = (k: number, n: number): string =>
  `${k} / ${n}${n === 0 ? '' : ` (${((k / n) * 100).toFixed(0)} %)`}`;

/** The timeline the figures come from cannot be read: said so, never figures of zero. */
export const KpisUnreadable: FC<{ ctx: PanelContext }> = ({ ctx }) => (
  <Banner
    tone="warning"
    kind="kpis-unreadable"
    locale={ctx.locale}
    title={words(ctx.locale).w.kpisUnreadable}
  />
);

/**
 * The report: inquiries per case, time to acceptance, share of hard-to-place cases. Two bases, named
 * on every line (docs/dispatch.md "KPI definitions"): all cases entered, and the cases that asked at
 * least one hospital (inquiry counts, hard-to-place, unplaced and time to acceptance are about those).
 */
export const KpiPanel: FC<{ ctx: PanelContext; kpis: DispatchKpis }> = ({ ctx, kpis }) => {
  const w = words(ctx.locale);
  const hard = kpis.hardToPlace;
  const all = kpis.cases;
  const asked = kpis.casesWithInquiries;
  return (
    <table data-kpis>
      <tbody>
        <tr>
          <th scope="row">{w.w.cases}</th>
          <td data-kpi="cases">
            {all} ({w.w.casesAsked} <span data-kpi="casesWithInquiries">{asked}</span>)
          </td>
        </tr>
        <tr>
          <th scope="row">
            {w.w.perCase} · {w.w.ofAsked}
          </th>
          <td data-kpi="perCase">
            {kpis.inquiriesPerCase === null
              ? '—'
              : `${m(kpis.inquiriesPerCase.mean)} / ${kpis.inquiriesPerCase.median} / ${kpis.inquiriesPerCase.max}`}
          </td>
        </tr>
        <tr>
          <th scope="row">
            {w.w.toAcceptance} · {w.w.ofAsked}
          </th>
          <td data-kpi="toAcceptance">
            {kpis.timeToAcceptance === null
              ? '—'
              : `${m(kpis.timeToAcceptance.medianMinutes)} / ${m(kpis.timeToAcceptance.p90Minutes)} ${w.w.minutes}`}
          </td>
        </tr>
        <tr>
          <th scope="row">
            {w.w.callToArrival} · {w.w.ofCases}
          </th>
          <td data-kpi="callToArrival">
            {kpis.callToArrival === null
              ? '—'
              : `${m(kpis.callToArrival.medianMinutes)} / ${m(kpis.callToArrival.p90Minutes)} ${w.w.minutes}`}
          </td>
        </tr>
        <tr>
          <th scope="row">
            {w.w.unitMilestones} · {w.w.ofCases}
          </th>
          <td data-kpi="unitMilestones">
            {UNIT_MILESTONES.map((k) => kpis.unitMilestones[k]).join(' / ')} / {all}
          </td>
        </tr>
        <tr>
          <th scope="row">
            {w.w.hardToPlace} · {w.w.ofAsked}
          </th>
          <td data-kpi="hardToPlace">{ofBase(hard.count, asked)}</td>
        </tr>
        <tr>
          <th scope="row">
            {w.w.escalatedCases} · {w.w.ofCases}
          </th>
          <td data-kpi="escalated">{ofBase(kpis.escalated, all)}</td>
        </tr>
        <tr>
          <th scope="row">
            {w.w.unplaced} · {w.w.ofAsked}
          </th>
          <td data-kpi="unplaced">{ofBase(kpis.unplaced, asked)}</td>
        </tr>
      </tbody>
    </table>
  );
};
