import type { FC } from 'hono/jsx';
import {
  ACUITIES,
  AGE_BANDS,
  CATEGORIES,
  SEXES,
  type Incident,
  type InquiryRequest,
  type Ranking,
  type TimelineEvent,
} from '../../dispatch/index.js';
import { formatJst, Style, type PanelContext } from '../../gateway/index.js';
import { ageBandText, reasonText, words } from '../dispatch-text.js';
import { FRESHNESS_CSS } from './hospitals-panel.js';
import { SAMPLE_PLACES } from './places.js';

/** How many ranked hospitals the screen lists; the rest are further away or worse matches. */
const SHOWN = 10;

export interface CurrentCase {
  readonly request: InquiryRequest;
  readonly incident: Incident;
  readonly ranking: Ranking;
  /** Hospitals this case already asked: not offered again. */
  readonly asked: ReadonlySet<string>;
  readonly parallel: number;
  /** Hospitals with a key in the pinned directory: inquiries reach them over the feed. */
  readonly reachable: (hospitalId: string) => boolean;
  /** Ambulance units with a valid key: who can be assigned. */
  readonly units: readonly { readonly id: string; readonly name: string }[];
  readonly assignedUnit: string | undefined;
  /** The last assignment was sealed but the link refused it. */
  readonly assignNotSent: boolean;
  /** The case's milestones so far, in time order. */
  readonly timeline: readonly TimelineEvent[];
}

const Select: FC<{
  name: string;
  label: string;
  options: readonly (readonly [string, string])[];
  value?: string | undefined;
}> = ({ name, label, options, value }) => (
  <label>
    {label}
    <select name={name} id={name}>
      {options.map(([v, text]) => (
        <option value={v} selected={v === value}>
          {text}
        </option>
      ))}
    </select>
  </label>
);

const IncidentForm: FC<{ ctx: PanelContext; current?: CurrentCase | undefined }> = ({ ctx, current }) => {
  const w = words(ctx.locale);
  const req = current?.request;
  return (
    <form method="post" action="/dispatch/incident" data-form="incident">
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      <Select
        name="place"
        label={w.w.place}
        options={[
          ['', `${w.w.lat} / ${w.w.lon}`],
          ...SAMPLE_PLACES.map((p) => [p.id, ctx.locale === 'ja' ? p.ja : p.en] as const),
        ]}
        value="shinjuku"
      />
      <div class="row">
        <label>
          {w.w.lat}
          <input name="lat" id="lat" inputmode="decimal" />
        </label>
        <label>
          {w.w.lon}
          <input name="lon" id="lon" inputmode="decimal" />
        </label>
      </div>
      <div class="row">
        <Select
          name="category"
          label={w.w.category}
          options={CATEGORIES.map((c) => [c, w.category[c]])}
          value={req?.category}
        />
        <Select
          name="acuity"
          label={w.w.acuity}
          options={ACUITIES.map((a) => [a, w.acuity[a]])}
          value={req?.acuity ?? 'serious'}
        />
      </div>
      <div class="row">
        <Select
          name="ageBand"
          label={w.w.ageBand}
          options={AGE_BANDS.map((b) => [b, ageBandText(ctx.locale, b)])}
          value={req?.ageBand ?? '65-74'}
        />
        <Select name="sex" label={w.w.sex} options={SEXES.map((s) => [s, w.sex[s]])} value={req?.sex} />
      </div>
      <p>
        <button type="submit">{w.w.rankTitle}</button>
      </p>
    </form>
  );
};

const RankingList: FC<{ ctx: PanelContext; current: CurrentCase }> = ({ ctx, current }) => {
  const w = words(ctx.locale);
  const offered = current.ranking.ranked.filter((r) => !current.asked.has(r.hospitalId)).slice(0, SHOWN);
  // Pre-select the best hospitals the feed can reach; the others are asked by phone.
  const preselected = new Set(
    offered
      .filter((r) => current.reachable(r.hospitalId))
      .slice(0, current.parallel)
      .map((r) => r.hospitalId),
  );
  return (
    <form method="post" action="/dispatch/inquiries" data-form="send">
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      <input type="hidden" name="caseId" value={current.request.caseId} />
      <h3>
        {w.w.rankTitle} · {w.w.caseId} {current.request.caseId} · {w.category[current.request.category]} ·{' '}
        {w.acuity[current.request.acuity]}
      </h3>
      <table class="small" data-ranking>
        <thead>
          <tr>
            <th></th>
            <th>{w.w.rank}</th>
            <th>{w.w.hospital}</th>
            <th>{w.w.cost}</th>
            <th>{w.w.reasons}</th>
          </tr>
        </thead>
        <tbody>
          {offered.map((r) => (
            <tr class={r.freshness.label} data-rank={r.rank} data-hospital={r.hospitalId}>
              <td>
                <input
                  type="checkbox"
                  name={`to_${r.hospitalId}`}
                  value="on"
                  checked={preselected.has(r.hospitalId)}
                  aria-label={r.name}
                />
              </td>
              <td>{r.rank}</td>
              <td>
                {r.name} <span class="tag">{w.freshness[r.freshness.label]}</span>{' '}
                <span class="tag" data-reachable={String(current.reachable(r.hospitalId))}>
                  {current.reachable(r.hospitalId) ? w.w.reachable : w.w.phoneOnly}
                </span>
              </td>
              <td>{r.costMinutes.toFixed(1)}</td>
              <td>
                <ul data-reasons>
                  {r.reasons.map((reason) => (
                    <li data-reason={reason.code}>{reasonText(ctx.locale, reason)}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button type="submit" data-action="send">
          {w.w.send}
        </button>
      </p>
      <details>
        <summary>
          {w.w.excluded}: {current.ranking.excluded.length}
        </summary>
        <ul class="small">
          {current.ranking.excluded.slice(0, SHOWN).map((x) => (
            <li>
              {x.name}: {x.reasons.map((code) => w.exclusion[code]).join('、')}
            </li>
          ))}
        </ul>
      </details>
    </form>
  );
};

/** Which unit runs the case (the unit is sent the case id), and the case's milestones so far. */
const UnitAndTimeline: FC<{ ctx: PanelContext; current: CurrentCase }> = ({ ctx, current }) => {
  const w = words(ctx.locale);
  const caseId = current.request.caseId;
  return (
    <div data-case-timeline={caseId}>
      <form method="post" action="/dispatch/cases/assign" data-form="assign">
        <input type="hidden" name="_csrf" value={ctx.csrf} />
        <input type="hidden" name="caseId" value={caseId} />
        <label>
          {w.w.unit}
          <select name="unitId">
            {current.units.map((u) => (
              <option value={u.id} selected={u.id === current.assignedUnit}>
                {u.name} ({u.id})
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="submit" data-action="assign">
          {w.w.assign}
        </button>
        {current.assignedUnit === undefined ? null : (
          <span data-assigned={current.assignedUnit}>
            {' '}
            {w.w.assignedUnit}: {current.assignedUnit}
          </span>
        )}
        {current.assignNotSent ? <p class="error">{w.w.notSent}</p> : null}
      </form>
      <h3>{w.w.timeline}</h3>
      <ol class="small">
        {current.timeline.map((e) => (
          <li data-milestone={e.kind}>
            {formatJst(e.at)} {w.milestone[e.kind]}
            {e.hospitalId === undefined ? '' : ` · ${e.hospitalId}`}
          </li>
        ))}
      </ol>
    </div>
  );
};

/** The incident form, and for the dispatcher's current case the ranked destinations with reasons. */
export const IncidentPanel: FC<{ ctx: PanelContext; current?: CurrentCase | undefined }> = ({
  ctx,
  current,
}) => (
  <>
    <Style
      css={`
        ${FRESHNESS_CSS}section[data-panel=incident] {
          grid-column: span 2;
        }
        .row {
          display: flex;
          gap: 1rem;
        }
        .row > label {
          flex: 1;
        }
        ul {
          margin: 0;
          padding-left: 1.1rem;
        }
      `}
    />
    <IncidentForm ctx={ctx} current={current} />
    {current === undefined ? null : <UnitAndTimeline ctx={ctx} current={current} />}
    {current === undefined ? null : <RankingList ctx={ctx} current={current} />}
  </>
);
