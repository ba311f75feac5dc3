import type { FC } from 'hono/jsx';
import {
  ACUITIES,
  AGE_BANDS,
  CATEGORIES,
  SEXES,
  type Incident,
  type InquiryRequest,
  type LatLon,
  type Ranking,
  type TimelineEvent,
} from '../../dispatch/index.js';
import type { Result } from '../../core/index.js';
import { formatJst, type PanelContext } from '../../gateway/index.js';
import { Banner, Button, ButtonGroup, Field, FieldRow, Form } from '../../gateway/ui/components/index.js';
import type { StorageErrorCode } from '../../hospital-feed/index.js';
import { ageBandText, reasonText, words } from '../dispatch-text.js';
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
  /** The case's milestones so far, in time order, or the storage code of a timeline that cannot be read. */
  readonly timeline: Result<readonly TimelineEvent[], StorageErrorCode>;
  /** Still open (not accepted, cancelled or escalated-and-closed): revisable while nobody was asked. */
  readonly open: boolean;
  /** Names for the ids the case refers to: people read names, never principal ids. */
  readonly hospitalName: (hospitalId: string) => string;
  readonly unitName: (unitId: string) => string;
}

/** The incident form's id (`_form`): a refused post comes back under it with what was typed. */
export const INCIDENT_FORM = 'incident';

/** The sample place at exactly these coordinates, if the case was entered from the pick-list. */
export const placeIdOf = (at: LatLon): string | undefined =>
  SAMPLE_PLACES.find((p) => p.at.lat === at.lat && p.at.lon === at.lon)?.id;

/**
 * The incident form. Pressing 搬送先候補 again for a case that has asked nobody yet revises that case
 * (same case id, re-ranked): only "新しい事案" opens another, so a second look at the candidates is
 * never a second case in the KPIs. The place and every choice stay as entered after a submit.
 */
const IncidentForm: FC<{ ctx: PanelContext; current?: CurrentCase | undefined }> = ({ ctx, current }) => {
  const w = words(ctx.locale);
  const req = current?.request;
  const state = ctx.form?.(INCIDENT_FORM);
  const place = current === undefined ? undefined : placeIdOf(current.incident.location);
  const typed = current !== undefined && place === undefined;
  const revisable = current !== undefined && current.asked.size === 0 && current.open;
  const coordinateHint = (min: number, max: number): string => `${min}〜${max}`;
  const fields = {
    place: { label: w.w.place },
    lat: { label: w.w.lat, numeric: true, hint: coordinateHint(-90, 90) },
    lon: { label: w.w.lon, numeric: true, hint: coordinateHint(-180, 180) },
    category: { label: w.w.category },
    acuity: { label: w.w.acuity },
    ageBand: { label: w.w.ageBand },
    sex: { label: w.w.sex },
  };
  return (
    <Form
      action="/dispatch/incident"
      csrf={ctx.csrf}
      id={INCIDENT_FORM}
      locale={ctx.locale}
      state={state}
      fields={fields}
    >
      {revisable ? <input type="hidden" name="caseId" value={current.request.caseId} /> : null}
      <Field
        name="place"
        kind="select"
        label={w.w.place}
        hint={w.w.placeHint}
        locale={ctx.locale}
        state={state}
        value={current === undefined ? 'shinjuku' : (place ?? '')}
        options={[
          { value: '', label: w.w.placeTyped },
          ...SAMPLE_PLACES.map((p) => ({ value: p.id, label: ctx.locale === 'ja' ? p.ja : p.en })),
        ]}
      />
      <FieldRow>
        <Field
          name="lat"
          kind="decimal"
          width="medium"
          label={w.w.lat}
          hint={fields.lat.hint}
          locale={ctx.locale}
          state={state}
          value={typed ? String(current.incident.location.lat) : ''}
        />
        <Field
          name="lon"
          kind="decimal"
          width="medium"
          label={w.w.lon}
          hint={fields.lon.hint}
          locale={ctx.locale}
          state={state}
          value={typed ? String(current.incident.location.lon) : ''}
        />
      </FieldRow>
      <FieldRow>
        <Field
          name="category"
          kind="select"
          label={w.w.category}
          locale={ctx.locale}
          state={state}
          value={req?.category ?? CATEGORIES[0]}
          options={CATEGORIES.map((c) => ({ value: c, label: w.category[c] }))}
        />
        <Field
          name="acuity"
          kind="select"
          label={w.w.acuity}
          locale={ctx.locale}
          state={state}
          value={req?.acuity ?? 'serious'}
          options={ACUITIES.map((a) => ({ value: a, label: w.acuity[a] }))}
        />
      </FieldRow>
      <FieldRow>
        <Field
          name="ageBand"
          kind="select"
          label={w.w.ageBand}
          locale={ctx.locale}
          state={state}
          value={req?.ageBand ?? '65-74'}
          options={AGE_BANDS.map((b) => ({ value: b, label: ageBandText(ctx.locale, b) }))}
        />
        <Field
          name="sex"
          kind="select"
          label={w.w.sex}
          locale={ctx.locale}
          state={state}
          value={req?.sex ?? 'unknown'}
          options={SEXES.map((x) => ({ value: x, label: w.sex[x] }))}
        />
      </FieldRow>
      <ButtonGroup>
        {revisable ? (
          <>
            <Button name="intent" value="revise" action="rank">
              {w.w.rankAgain}
            </Button>
            <Button name="intent" value="new" variant="secondary" action="new-case">
              {w.w.newCase}
            </Button>
          </>
        ) : (
          <Button name="intent" value="new" action="rank">
            {current === undefined ? w.w.rankTitle : w.w.newCase}
          </Button>
        )}
      </ButtonGroup>
    </Form>
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
                {r.name} <span class="freshness-tag">{w.freshness[r.freshness.label]}</span>{' '}
                <span class="freshness-tag" data-reachable={String(current.reachable(r.hospitalId))}>
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
                {u.name}
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
            {w.w.assignedUnit}: {current.unitName(current.assignedUnit)}
          </span>
        )}
        {current.assignNotSent ? <p class="error">{w.w.notSent}</p> : null}
      </form>
      <h3>{w.w.timeline}</h3>
      {current.timeline.ok ? (
        <ol class="small">
          {current.timeline.value.map((e) => (
            <li data-milestone={e.kind}>
              {formatJst(e.at)} {w.milestone[e.kind]}
              {e.hospitalId === undefined ? '' : ` · ${current.hospitalName(e.hospitalId)}`}
            </li>
          ))}
        </ol>
      ) : (
        // Never an empty list: "no milestones yet" would be a claim the file cannot back.
        <Banner
          tone="warning"
          kind="timeline-unreadable"
          locale={ctx.locale}
          title={w.w.timelineUnreadable}
        />
      )}
    </div>
  );
};

/** The incident form, and for the dispatcher's current case the ranked destinations with reasons. */
export const IncidentPanel: FC<{ ctx: PanelContext; current?: CurrentCase | undefined }> = ({
  ctx,
  current,
}) => (
  <>
    <IncidentForm ctx={ctx} current={current} />
    {current === undefined ? null : <UnitAndTimeline ctx={ctx} current={current} />}
    {current === undefined ? null : <RankingList ctx={ctx} current={current} />}
  </>
);
