import { join } from 'node:path';
import type { DispatchConfig } from '../../config/index.js';
import { err, ok, type Result } from '../../core/index.js';
import { computeOutcomeKpis, MILESTONE_REJECTION, type MilestoneRejection } from '../../dispatch/index.js';
import {
  openIncomingOrDispatch,
  parseStatusTopic,
  RefusalLog,
  systemTimers,
  topics,
  type DispatchIncoming,
  type StorageErrorCode,
  type Timers,
} from '../../hospital-feed/index.js';
import { SodiumEnvelopeCodec } from '../envelope-codec.js';
import { storedReplayCheck } from '../feed.js';
import type { RoleContext } from '../runtime.js';
import { InquiryBoard, KpiPanel, KpisUnreadable } from './board-panels.js';
import { DispatchCases } from './cases.js';
import { HospitalsPanel } from './hospitals-panel.js';
import { IncidentPanel } from './incident-panel.js';
import { caseRetention, CASES_FILE, SqliteCaseStore } from './case-store.js';
import { InboxHold } from './inbox-hold.js';
import { InquiryDesk } from './inquiry-desk.js';
import { OUTCOMES_FILE, OutcomeDesk } from './outcome-desk.js';
import { OutcomeKpiPanel } from './outcome-kpis.js';
import { removeLegacyReplay } from './legacy-replay.js';
import { loadRegion } from './region.js';
import { dispatchRoutes } from './routes.js';
import { StatusBoard } from './status-board.js';
import { killAfterOpenFrom, type AfterOpen } from './test-seam.js';
import { TIMELINE_FILE, TimelineStore } from './timeline-store.js';
import { UnitDesk } from './unit-desk.js';

const MILESTONE_REFUSALS: readonly string[] = Object.values(MILESTONE_REJECTION);
/** A milestone not taken because its store failed (so it is held), not refused by its checks. */
const isStorageCode = (e: MilestoneRejection | StorageErrorCode): e is StorageErrorCode =>
  !MILESTONE_REFUSALS.includes(e);

/** Outcome figures cover the same window as the inquiry KPIs (the last 30 days). */
const OUTCOME_KPI_DAYS = 30;

export interface DispatchParts {
  readonly board: StatusBoard;
  readonly desk: InquiryDesk;
  readonly cases: DispatchCases;
  readonly units: UnitDesk;
  readonly outcomes: OutcomeDesk;
  readonly held: InboxHold;
}

export interface DispatchMountOptions {
  readonly timers?: Timers;
  readonly newCaseId?: () => string;
  /** Called with each inbox message's kind once opened, before it is applied (test-seam.ts). */
  readonly afterOpen?: AfterOpen;
}

/**
 * The dispatch role: every hospital's signed status from the broker, the ranking, the inquiry desk
 * on its own inbox, the timeline in SQLite, and the screen's panels and forms.
 */
export const mountDispatch = async (
  config: DispatchConfig,
  ctx: RoleContext,
  options: DispatchMountOptions = {},
): Promise<DispatchParts> => {
  const logger = ctx.logger.child({ part: 'dispatch' });
  const { region, sampleStatuses } = await loadRegion(config, ctx.clock.now());
  const rejected = ctx.metrics.counter(
    'ems_dispatch_status_rejected_total',
    'Hospital status messages refused, by reason.',
    ['reason'],
  );
  const board = new StatusBoard(ctx.crypto.directory, ctx.clock, (reason) => rejected.inc({ reason }));
  board.seed(sampleStatuses);

  // Like the hospital's stores: a data directory the role cannot write stops the start with the reason.
  const store = SqliteCaseStore.open(join(config.dataDir, CASES_FILE));
  if (!store.ok) throw new Error(`dispatch cases: ${store.error}`);
  ctx.onStop(() => store.value.close());
  // The timeline is a record of milestones, but its milestone ids are part of the inbox's replay check
  // and its recorded milestones decide whether a unit's milestone is new: a role run without the file
  // could not tell a replayed milestone from a new one. A file that cannot be opened (a corrupt first
  // page) stops the start with the file's name and the storage code (no path, no driver text), as
  // cases.sqlite does; the file is left as it is for the operator.
  const timelineOpened = TimelineStore.open(join(config.dataDir, TIMELINE_FILE));
  if (!timelineOpened.ok)
    throw new Error(`dispatch timeline: ${TIMELINE_FILE} cannot be opened (${timelineOpened.error})`);
  const timeline = timelineOpened.value;
  ctx.onStop(() => timeline.close());
  // The replay check is the stores themselves, as at the hospital (storedReplayCheck, feed.ts): each
  // message's id is committed with what it changed (an answer with its case, a milestone with the
  // timeline, an outcome as its row), never at opening, so a kill -9 in between loses nothing.
  // An id a store holds is a replay. A read that fails is logged and decides nothing here: counting
  // the id as seen would lose every milestone and answer while it fails (no sender sends them again),
  // so the message is opened and checked against its own kind's store (`applyToStore` below: held while
  // that cannot be read; an outcome is keyed by its id, so a copy of a stored one stores nothing).
  const seen = (id: string): boolean => {
    const answer = store.value.answered(id);
    if (!answer.ok) logger.error('dispatch cases not read', { code: answer.error });
    if (answer.ok && answer.value !== undefined) return true;
    const milestone = timeline.received(id);
    if (!milestone.ok) logger.error('dispatch timeline not read', { code: milestone.error });
    if (milestone.ok && milestone.value) return true;
    const outcome = outcomes.has(id);
    if (!outcome.ok) logger.error('dispatch outcomes not read', { code: outcome.error });
    return outcome.ok && outcome.value;
  };
  const codec = new SodiumEnvelopeCodec({
    identity: ctx.crypto.identity,
    keys: ctx.crypto.keys,
    directory: ctx.crypto.directory,
    replay: storedReplayCheck(seen),
    clock: ctx.clock,
  });
  const outcomesRefused = ctx.metrics.counter(
    'ems_dispatch_outcomes_rejected_total',
    'Outcome messages refused, by reason.',
    ['reason'],
  );
  // Its outcome ids are part of the replay check too: a file that cannot be opened stops the start
  // the same way, before any case is restored or any message taken, and is left for the operator.
  const outcomesOpened = OutcomeDesk.open(join(config.dataDir, OUTCOMES_FILE), {
    dispatchId: config.id,
    codec,
    link: ctx.link,
    clock: ctx.clock,
    categoryOf: (caseId) => cases.incident(caseId)?.category,
    statusOf: (hospitalId) => board.statuses().get(hospitalId),
    rejected: (reason) => outcomesRefused.inc({ reason }),
    logger,
  });
  if (!outcomesOpened.ok)
    throw new Error(`dispatch outcomes: ${OUTCOMES_FILE} cannot be opened (${outcomesOpened.error})`);
  const outcomes = outcomesOpened.value;
  ctx.onStop(() => outcomes.close());
  const now = ctx.clock.now();
  const loaded = store.value.load(caseRetention(now), now);
  if (!loaded.ok) logger.error('dispatch cases not loaded', { code: loaded.error });
  // Counted only: a row that does not read back may hold what the case carried.
  else if (loaded.value.unreadable > 0)
    logger.warn('dispatch case rows unreadable', { count: loaded.value.unreadable });
  const restored = loaded.ok ? loaded.value.cases : [];
  const desk = new InquiryDesk({
    codec,
    link: ctx.link,
    directory: ctx.crypto.directory,
    clock: ctx.clock,
    timers: options.timers ?? systemTimers,
    policies: config.inquiries,
    regionId: region.id,
    logger,
    store: store.value,
    restored,
  });
  ctx.onStop(() => desk.stop());
  const cases = new DispatchCases({
    region,
    board,
    desk,
    timeline,
    policy: config.ranking,
    clock: ctx.clock,
    logger,
    store: store.value,
    restored,
    ...(options.newCaseId === undefined ? {} : { newCaseId: options.newCaseId }),
  });
  const milestonesRefused = ctx.metrics.counter(
    'ems_dispatch_milestones_rejected_total',
    'Unit milestones refused, by reason.',
    ['reason'],
  );
  const units = new UnitDesk({
    dispatchId: config.id,
    codec,
    link: ctx.link,
    directory: ctx.crypto.directory,
    clock: ctx.clock,
    timeline,
    store: store.value,
    restored,
    logger,
    rejected: (reason) => milestonesRefused.inc({ reason }),
  });
  for (const event of ['recorded', 'assigned'] as const)
    units.on(event, () => {
      ctx.gateway.live.refresh('incident');
      ctx.gateway.live.refresh('kpis');
    });
  const escalations = ctx.metrics.counter(
    'ems_dispatch_escalations_total',
    'Cases escalated to the regional centre.',
  );
  desk.on('events', (_caseId, events) => {
    if (events.some((e) => e.type === 'escalated')) escalations.inc();
    ctx.gateway.live.refresh('inquiries');
    ctx.gateway.live.refresh('kpis');
  });

  // The stores that are the replay check now are open: the replay file an earlier version kept goes.
  removeLegacyReplay(config.dataDir, logger);

  const inbox = topics.dispatchInbox(config.id);
  const inboxRefused = ctx.metrics.counter(
    'ems_dispatch_inbox_rejected_total',
    'Messages on the dispatch inbox refused, by reason.',
    ['reason'],
  );
  const refusals = new RefusalLog(logger, options.timers ?? systemTimers, 'dispatch inbox messages refused');
  ctx.onStop(() => refusals.flush());
  // Checks an opened milestone or answer against its own store and applies it if it is new.
  const applyToStore = async (incoming: DispatchIncoming): Promise<Result<void, StorageErrorCode>> => {
    const { envelope, dispatch } = incoming;
    switch (dispatch.kind) {
      case 'milestone': {
        // Its case's recorded milestones decide whether it is new (a copy is a `duplicate`).
        const taken = units.receive(incoming);
        return taken?.ok === false && isStorageCode(taken.error) ? err(taken.error) : ok(undefined);
      }
      case 'inquiry-answer': {
        const stored = store.value.answered(envelope.messageId);
        if (!stored.ok) return err(stored.error);
        if (stored.value !== undefined) desk.redelivered(envelope.messageId);
        else await desk.receive(incoming);
        return ok(undefined);
      }
      case 'inquiry':
      case 'withdrawal':
      case 'confirmation':
      case 'assignment':
        // Never opened on this inbox (openIncomingOrDispatch takes answers and milestones only).
        return ok(undefined);
      default:
        return dispatch satisfies never;
    }
  };
  // A milestone or an answer whose store cannot check or commit it now is held and tried again
  // (inbox-hold.ts): its sender does not send it again, and the broker forgets it at our PUBACK.
  const held = new InboxHold({
    apply: applyToStore,
    timers: options.timers ?? systemTimers,
    logger,
    dropped: () => {
      inboxRefused.inc({ reason: 'held-full' });
      refusals.refused('held-full');
    },
  });
  ctx.onStop(() => held.stop());
  const afterOpen = options.afterOpen ?? killAfterOpenFrom(process.env);
  // Every message is applied and committed before this handler settles, so its PUBACK (link.ts)
  // follows the commit: a kill -9 before that leaves the message with the broker, which delivers it
  // again to our persistent session, and the stores do not know its id yet.
  ctx.link.onMessage(async (topic, payload) => {
    if (parseStatusTopic(topic) !== undefined) {
      if (board.accept(topic, payload).ok) ctx.gateway.live.refresh('hospitals');
      return;
    }
    if (topic !== inbox) return;
    const opened = await openIncomingOrDispatch(codec, payload, ['outcome'], ['inquiry-answer', 'milestone']);
    // A replay of a stored message: its sender is acknowledged (or confirmed) again, nothing applied.
    const replayOf = opened.ok ? undefined : opened.error.messageId;
    if (replayOf !== undefined && (outcomes.redelivered(replayOf) || desk.redelivered(replayOf))) return;
    if (opened.ok)
      afterOpen?.('message' in opened.value ? opened.value.message.kind : opened.value.dispatch.kind);
    if (opened.ok && 'message' in opened.value && opened.value.message.kind === 'outcome') {
      if (outcomes.receive(opened.value.envelope, opened.value.message.body))
        ctx.gateway.live.refresh('kpis');
      return;
    }
    if (!opened.ok || !('dispatch' in opened.value)) {
      const reason = opened.ok ? 'unexpected-kind' : opened.error.reason;
      inboxRefused.inc({ reason });
      refusals.refused(reason);
      return;
    }
    await held.take(opened.value);
  });
  for (const topic of [topics.allHospitalStatuses, inbox]) {
    const subscribed = await ctx.link.subscribe(topic);
    // Before the link connects the subscription is only recorded; it is made on every connect.
    if (!subscribed.ok && subscribed.error === 'refused')
      logger.warn('dispatch subscription refused', { code: subscribed.error });
  }

  const names = new Map(region.hospitals.map((h) => [h.id, h.name]));
  ctx.gateway.panels.set('hospitals', (p) =>
    board.entries().size === 0 ? undefined : (
      <HospitalsPanel
        ctx={p}
        sites={region.hospitals}
        entries={board.entries()}
        policy={config.ranking}
        rejected={board.rejectedCount()}
      />
    ),
  );
  ctx.gateway.panels.set('incident', (p) => {
    const caseId = cases.currentCaseOf(p.userId);
    const state = caseId === undefined ? undefined : desk.get(caseId);
    const incident = caseId === undefined ? undefined : cases.incident(caseId);
    const ranking = caseId === undefined ? undefined : cases.rank(caseId);
    const current =
      state === undefined || incident === undefined || ranking === undefined
        ? undefined
        : {
            request: state.request,
            incident,
            ranking,
            asked: new Set(state.targets.map((t) => t.hospitalId)),
            parallel: state.policy.parallelInquiries,
            reachable: (id: string) =>
              ctx.crypto.directory.current.currentKey(id, ctx.clock.now())?.role === 'hospital',
            units: units.units(),
            assignedUnit: units.assignedUnit(state.request.caseId),
            assignNotSent: units.assignmentNotSent(state.request.caseId),
            timeline: cases.timeline(state.request.caseId),
            open: state.outcome === 'open',
            hospitalName: (id: string) => names.get(id) ?? id,
            unitName: (id: string) => units.units().find((u) => u.id === id)?.name ?? id,
          };
    return <IncidentPanel ctx={p} current={current} />;
  });
  ctx.gateway.panels.set('inquiries', (p) => {
    const list = desk
      .cases()
      .filter((c) => c.targets.length > 0)
      .slice(0, 10);
    return list.length === 0 ? undefined : (
      <InquiryBoard ctx={p} cases={list} names={names} notSent={(id) => desk.notSent(id)} />
    );
  });
  ctx.gateway.panels.set('kpis', (p) => {
    const kpis = cases.kpis();
    const byOutcome = computeOutcomeKpis(outcomes.facts(ctx.clock.now() - OUTCOME_KPI_DAYS * 86_400_000));
    if (kpis.ok && kpis.value.cases === 0 && byOutcome.outcomes === 0) return undefined;
    return (
      <>
        {!kpis.ok ? (
          <KpisUnreadable ctx={p} />
        ) : kpis.value.cases === 0 ? null : (
          <KpiPanel ctx={p} kpis={kpis.value} />
        )}
        {byOutcome.outcomes === 0 ? null : <OutcomeKpiPanel kpis={byOutcome} locale={p.locale} />}
      </>
    );
  });
  dispatchRoutes(ctx.gateway, cases, units);
  logger.info('dispatch started', { region: region.id, hospitals: region.hospitals.length });
  return { board, desk, cases, units, outcomes, held };
};
