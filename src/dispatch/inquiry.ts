import type {
  Confirmation,
  Escalation,
  EscalationTrigger,
  InquiryAnswer,
  InquiryMessage,
  InquiryPolicy,
  InquiryRequest,
  Withdrawal,
  WithdrawalReason,
} from './inquiry-messages.js';
import type { Ranking } from './ranking.js';
import type { DeclineReason } from './vocabulary.js';

/**
 * Where one hospital's inquiry stands. `timedOut` is not final: the hospital was not withdrawn, so a
 * late acceptance still wins while the case is open (a bed found late beats no bed).
 */
export type TargetPhase = 'pending' | 'timedOut' | 'accepted' | 'declined' | 'withdrawn';

export interface Target {
  readonly inquiryId: string;
  readonly hospitalId: string;
  readonly etaMinutes: number;
  readonly sentAt: number;
  readonly answerBy: number;
  readonly phase: TargetPhase;
  readonly answeredAt?: number;
  readonly declineReason?: DeclineReason;
}

/** The case's outcome; escalation is a separate axis, because an escalated case stays open. */
export type InquiryOutcome = 'open' | 'accepted' | 'cancelled';

export interface InquiryState {
  readonly request: InquiryRequest;
  readonly policy: InquiryPolicy;
  readonly outcome: InquiryOutcome;
  readonly winner?: string;
  readonly escalatedAt?: number;
  /** In the order they were sent. */
  readonly targets: readonly Target[];
}

export interface TargetChoice {
  readonly hospitalId: string;
  readonly etaMinutes: number;
}

export type InquiryInput =
  | { readonly type: 'send'; readonly targets: readonly TargetChoice[] }
  | { readonly type: 'answer'; readonly answer: InquiryAnswer }
  /** Time passed: the adapter calls it at `nextDeadline`. */
  | { readonly type: 'tick' }
  | { readonly type: 'cancel' };

/** What the transport must send; each carries the message a thin adapter publishes as is. */
export type InquiryCommand =
  | { readonly type: 'sendInquiry'; readonly message: InquiryMessage }
  | { readonly type: 'sendWithdrawal'; readonly message: Withdrawal }
  | { readonly type: 'confirmAcceptance'; readonly message: Confirmation }
  | { readonly type: 'escalate'; readonly message: Escalation };

export const IGNORED = {
  unknownInquiry: 'unknownInquiry',
  notPending: 'notPending',
  caseClosed: 'caseClosed',
  alreadyAsked: 'alreadyAsked',
} as const;
export type IgnoredWhy = (typeof IGNORED)[keyof typeof IGNORED];

/** What happened, for the inquiry board, the timeline and the alert. */
export type InquiryEvent =
  | {
      readonly type: 'inquirySent';
      readonly at: number;
      readonly hospitalId: string;
      readonly inquiryId: string;
    }
  | { readonly type: 'accepted'; readonly at: number; readonly hospitalId: string; readonly late: boolean }
  | {
      readonly type: 'declined';
      readonly at: number;
      readonly hospitalId: string;
      readonly reason: DeclineReason;
    }
  | { readonly type: 'timedOut'; readonly at: number; readonly hospitalId: string }
  | {
      readonly type: 'withdrawn';
      readonly at: number;
      readonly hospitalId: string;
      readonly reason: WithdrawalReason;
    }
  /** The alert: the regional centre takes over finding a bed. */
  | {
      readonly type: 'escalated';
      readonly at: number;
      readonly trigger: EscalationTrigger;
      readonly refusals: number;
      readonly elapsedMinutes: number;
    }
  /** Every asked hospital has said no or stayed silent: the dispatcher must ask more. */
  | { readonly type: 'exhausted'; readonly at: number; readonly refusals: number }
  | { readonly type: 'cancelled'; readonly at: number }
  | { readonly type: 'ignored'; readonly at: number; readonly hospitalId: string; readonly why: IgnoredWhy };

export interface InquiryStep {
  readonly state: InquiryState;
  readonly commands: readonly InquiryCommand[];
  readonly events: readonly InquiryEvent[];
}

export const openInquiry = (request: InquiryRequest, policy: InquiryPolicy): InquiryState => ({
  request,
  policy,
  outcome: 'open',
  targets: [],
});

/** Declines plus silences: both leave the patient without a bed. */
export const refusalCount = (state: InquiryState): number =>
  state.targets.filter((t) => t.phase === 'declined' || t.phase === 'timedOut').length;

const pendingCount = (targets: readonly Target[]): number =>
  targets.filter((t) => t.phase === 'pending').length;

/** When the adapter must tick next; undefined when nothing is waiting on time. */
export const nextDeadline = (state: InquiryState): number | undefined => {
  if (state.outcome !== 'open') return undefined;
  const times = state.targets.filter((t) => t.phase === 'pending').map((t) => t.answerBy);
  const first = state.targets[0];
  if (state.escalatedAt === undefined && first !== undefined) {
    times.push(first.sentAt + state.policy.escalateAfterMinutes * 60_000);
  }
  return times.length === 0 ? undefined : Math.min(...times);
};

/** Mutable scratch for one step; the reducer's result is built from it and never shared. */
interface Draft {
  targets: Target[];
  outcome: InquiryOutcome;
  winner: string | undefined;
  commands: InquiryCommand[];
  events: InquiryEvent[];
}

const withdrawOpen = (state: InquiryState, d: Draft, reason: WithdrawalReason, now: number): void => {
  d.targets = d.targets.map((t) => {
    if (t.phase !== 'pending' && t.phase !== 'timedOut') return t;
    const message = {
      inquiryId: t.inquiryId,
      caseId: state.request.caseId,
      hospitalId: t.hospitalId,
      reason,
    };
    d.commands.push({ type: 'sendWithdrawal', message });
    d.events.push({ type: 'withdrawn', at: now, hospitalId: t.hospitalId, reason });
    return { ...t, phase: 'withdrawn' };
  });
};

const expire = (d: Draft, now: number): void => {
  d.targets = d.targets.map((t) => {
    if (t.phase !== 'pending' || t.answerBy > now) return t;
    d.events.push({ type: 'timedOut', at: now, hospitalId: t.hospitalId });
    return { ...t, phase: 'timedOut' };
  });
};

const send = (state: InquiryState, d: Draft, choices: readonly TargetChoice[], now: number): void => {
  const { request, policy } = state;
  for (const choice of choices) {
    const asked = d.targets.some(
      (t) => t.hospitalId === choice.hospitalId && (t.phase === 'pending' || t.phase === 'timedOut'),
    );
    if (asked) {
      d.events.push({ type: 'ignored', at: now, hospitalId: choice.hospitalId, why: 'alreadyAsked' });
      continue;
    }
    const inquiryId = `${request.caseId}-q${d.targets.length + 1}`;
    const answerBy = now + policy.answerTimeoutSeconds * 1000;
    const target: Target = {
      inquiryId,
      hospitalId: choice.hospitalId,
      etaMinutes: choice.etaMinutes,
      sentAt: now,
      answerBy,
      phase: 'pending',
    };
    d.targets.push(target);
    const message: InquiryMessage = {
      ...request,
      inquiryId,
      hospitalId: choice.hospitalId,
      etaMinutes: choice.etaMinutes,
      sentAt: now,
      answerBy,
    };
    d.commands.push({ type: 'sendInquiry', message });
    d.events.push({ type: 'inquirySent', at: now, hospitalId: choice.hospitalId, inquiryId });
  }
};

const answer = (state: InquiryState, d: Draft, a: InquiryAnswer, now: number): void => {
  const index = d.targets.findIndex((t) => t.inquiryId === a.inquiryId && t.hospitalId === a.hospitalId);
  const target = d.targets[index];
  if (target === undefined) {
    d.events.push({ type: 'ignored', at: now, hospitalId: a.hospitalId, why: 'unknownInquiry' });
    return;
  }
  const { caseId } = state.request;
  if (target.phase === 'accepted' && a.answer.kind === 'accept') {
    // A redelivered acceptance from the winner: its confirmation may have been lost, so repeat it.
    d.commands.push({
      type: 'confirmAcceptance',
      message: { inquiryId: target.inquiryId, caseId, hospitalId: target.hospitalId },
    });
    return;
  }
  if (target.phase !== 'pending' && target.phase !== 'timedOut') {
    d.events.push({
      type: 'ignored',
      at: now,
      hospitalId: a.hospitalId,
      why: d.outcome === 'open' ? 'notPending' : 'caseClosed',
    });
    return;
  }
  switch (a.answer.kind) {
    case 'accept':
      d.targets[index] = { ...target, phase: 'accepted', answeredAt: now };
      d.outcome = 'accepted';
      d.winner = target.hospitalId;
      d.commands.push({
        type: 'confirmAcceptance',
        message: { inquiryId: target.inquiryId, caseId, hospitalId: target.hospitalId },
      });
      d.events.push({
        type: 'accepted',
        at: now,
        hospitalId: target.hospitalId,
        late: target.phase === 'timedOut',
      });
      withdrawOpen(state, d, 'acceptedElsewhere', now);
      return;
    case 'decline':
      d.targets[index] = { ...target, phase: 'declined', answeredAt: now, declineReason: a.answer.reason };
      d.events.push({ type: 'declined', at: now, hospitalId: target.hospitalId, reason: a.answer.reason });
      return;
    default:
      a.answer satisfies never;
  }
};

const escalate = (state: InquiryState, d: Draft, now: number): number | undefined => {
  const first = d.targets[0];
  if (state.escalatedAt !== undefined || d.outcome !== 'open' || first === undefined)
    return state.escalatedAt;
  const { policy, request } = state;
  const refusals = refusalCount({ ...state, targets: d.targets });
  const elapsedMinutes = (now - first.sentAt) / 60_000;
  const trigger: EscalationTrigger | undefined =
    refusals >= policy.escalateAfterRefusals
      ? 'refusals'
      : elapsedMinutes >= policy.escalateAfterMinutes
        ? 'elapsed'
        : undefined;
  if (trigger === undefined) return undefined;
  const message: Escalation = {
    caseId: request.caseId,
    regionalCentreId: policy.regionalCentreId,
    trigger,
    refusals,
    elapsedMinutes,
    request,
  };
  d.commands.push({ type: 'escalate', message });
  d.events.push({ type: 'escalated', at: now, trigger, refusals, elapsedMinutes });
  return now;
};

/**
 * The inquiry reducer: pure, one input at a time, `now` from the injected clock. Answers are applied
 * in the order given, so of two acceptances processed "at the same moment" the first wins and the
 * second finds its inquiry already withdrawn. Timeouts due by `now` are applied before the input.
 */
export const stepInquiry = (state: InquiryState, input: InquiryInput, now: number): InquiryStep => {
  const d: Draft = {
    targets: [...state.targets],
    outcome: state.outcome,
    winner: state.winner,
    commands: [],
    events: [],
  };
  if (state.outcome === 'open') expire(d, now);
  const pendingBefore = pendingCount(state.targets);

  switch (input.type) {
    case 'send':
      if (d.outcome === 'open') send(state, d, input.targets, now);
      else
        for (const t of input.targets)
          d.events.push({ type: 'ignored', at: now, hospitalId: t.hospitalId, why: 'caseClosed' });
      break;
    case 'answer':
      answer(state, d, input.answer, now);
      break;
    case 'tick':
      break;
    case 'cancel':
      if (d.outcome === 'open') {
        withdrawOpen(state, d, 'cancelled', now);
        d.outcome = 'cancelled';
        d.events.push({ type: 'cancelled', at: now });
      }
      break;
    default:
      input satisfies never;
  }

  const escalatedAt = escalate(state, d, now);
  if (d.outcome === 'open' && pendingBefore > 0 && pendingCount(d.targets) === 0) {
    d.events.push({ type: 'exhausted', at: now, refusals: refusalCount({ ...state, targets: d.targets }) });
  }
  const next: InquiryState = {
    request: state.request,
    policy: state.policy,
    outcome: d.outcome,
    ...(d.winner === undefined ? {} : { winner: d.winner }),
    ...(escalatedAt === undefined ? {} : { escalatedAt }),
    targets: d.targets,
  };
  return { state: next, commands: d.commands, events: d.events };
};

/** Applies inputs in order at one instant; the adapter's batch of messages read together. */
export const stepInquiryAll = (
  state: InquiryState,
  inputs: readonly InquiryInput[],
  now: number,
): InquiryStep =>
  inputs.reduce<InquiryStep>(
    (acc, input) => {
      const s = stepInquiry(acc.state, input, now);
      return {
        state: s.state,
        commands: [...acc.commands, ...s.commands],
        events: [...acc.events, ...s.events],
      };
    },
    { state, commands: [], events: [] },
  );

/**
 * The next round: the best-ranked hospitals this case has not asked yet, `policy.parallelInquiries`
 * of them unless `count` says otherwise, with the ETA rounded up to whole minutes.
 */
export const nextTargets = (state: InquiryState, ranking: Ranking, count?: number): TargetChoice[] => {
  const asked = new Set(state.targets.map((t) => t.hospitalId));
  return ranking.ranked
    .filter((r) => !asked.has(r.hospitalId))
    .slice(0, count ?? state.policy.parallelInquiries)
    .map((r) => ({ hospitalId: r.hospitalId, etaMinutes: Math.ceil(r.travelMinutes) }));
};
