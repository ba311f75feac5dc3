import type { InquiryState, TimelineEvent } from '../../dispatch/index.js';

/** One inquiry milestone's identity: the same step always gives the same kind, hospital and time. */
const keyOf = (e: TimelineEvent): string => `${e.kind} ${e.hospitalId ?? ''} ${e.at}`;

/**
 * The inquiry milestones a case's committed state implies (`inquirySent` per hospital asked at its
 * `sentAt`, `accepted` at the winner's `answeredAt`, `escalated` at `escalatedAt`: the times the
 * reducer gave both the state and its events) that the timeline does not hold. They go to
 * `timeline.sqlite` in a commit after the case's own (another file), so a kill -9 between the two
 * leaves the case ahead of its timeline; at start the case, which is the truth, fills them in.
 */
export const missingInquiryMilestones = (
  state: InquiryState,
  recorded: readonly TimelineEvent[],
): TimelineEvent[] => {
  const caseId = state.request.caseId;
  const implied: TimelineEvent[] = [
    ...state.targets.map((t): TimelineEvent => ({
      caseId,
      kind: 'inquirySent',
      at: t.sentAt,
      hospitalId: t.hospitalId,
    })),
    ...state.targets.flatMap((t): TimelineEvent[] =>
      t.phase === 'accepted' && t.answeredAt !== undefined
        ? [{ caseId, kind: 'accepted', at: t.answeredAt, hospitalId: t.hospitalId }]
        : [],
    ),
    ...(state.escalatedAt === undefined
      ? []
      : [{ caseId, kind: 'escalated' as const, at: state.escalatedAt }]),
  ];
  const held = new Set(recorded.map(keyOf));
  return implied.filter((e) => !held.has(keyOf(e)));
};
