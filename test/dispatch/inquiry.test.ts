import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import {
  INQUIRY_ERROR,
  inquiryPolicyFor,
  InquiryPolicy,
  nextDeadline,
  nextTargets,
  openInquiry,
  parseInquiryAnswer,
  stepInquiry,
  stepInquiryAll,
  type InquiryAnswer,
  type InquiryCommand,
  type InquiryEvent,
  type InquiryInput,
  type InquiryRequest,
  type InquiryState,
  type Ranking,
} from '../../src/dispatch/index.js';
import * as v from 'valibot';
import { NOW } from './arbitraries.js';

const policy = v.parse(InquiryPolicy, { regionalCentreId: 'centre-yokohama' });
const request: InquiryRequest = {
  caseId: 'c-20260501-0042',
  ageBand: '75-89',
  sex: 'female',
  category: 'stroke',
  acuity: 'serious',
};
const three = [
  { hospitalId: 'h-a', etaMinutes: 8 },
  { hospitalId: 'h-b', etaMinutes: 11 },
  { hospitalId: 'h-c', etaMinutes: 14 },
];

/** Drives the reducer like the adapter will: one clock, every command and event kept. */
class Harness {
  state: InquiryState = openInquiry(request, policy);
  commands: InquiryCommand[] = [];
  events: InquiryEvent[] = [];
  constructor(readonly clock = new ManualClock(NOW)) {}
  step(...inputs: InquiryInput[]): void {
    const s = stepInquiryAll(this.state, inputs, this.clock.now());
    this.state = s.state;
    this.commands.push(...s.commands);
    this.events.push(...s.events);
  }
  idOf(hospitalId: string): string {
    const t = this.state.targets.find((x) => x.hospitalId === hospitalId);
    if (t === undefined) throw new Error(`not asked: ${hospitalId}`);
    return t.inquiryId;
  }
  accept(hospitalId: string): InquiryInput {
    return {
      type: 'answer',
      answer: { inquiryId: this.idOf(hospitalId), hospitalId, answer: { kind: 'accept' } },
    };
  }
  decline(hospitalId: string): InquiryInput {
    return {
      type: 'answer',
      answer: {
        inquiryId: this.idOf(hospitalId),
        hospitalId,
        answer: { kind: 'decline', reason: 'bedsFull' },
      },
    };
  }
  withdrawalsTo(hospitalId: string): number {
    return this.commands.filter((c) => c.type === 'sendWithdrawal' && c.message.hospitalId === hospitalId)
      .length;
  }
  ofType<T extends InquiryEvent['type']>(type: T): Extract<InquiryEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<InquiryEvent, { type: T }> => e.type === type);
  }
}

describe('inquiry rounds', () => {
  it('asks several hospitals at once with nothing beyond age band, sex, category, acuity and ETA', () => {
    const h = new Harness();
    h.step({ type: 'send', targets: three });
    const sends = h.commands.filter((c) => c.type === 'sendInquiry');
    expect(sends.map((c) => c.message.hospitalId)).toEqual(['h-a', 'h-b', 'h-c']);
    for (const c of sends) {
      expect(Object.keys(c.message).sort()).toEqual(
        [
          'acuity',
          'ageBand',
          'answerBy',
          'caseId',
          'category',
          'etaMinutes',
          'hospitalId',
          'inquiryId',
          'sentAt',
          'sex',
        ].sort(),
      );
      expect(c.message.answerBy).toBe(NOW + 180_000);
    }
    expect(new Set(sends.map((c) => c.message.inquiryId)).size).toBe(3);
    expect(nextDeadline(h.state)).toBe(NOW + 180_000);
  });

  it('does not ask a hospital twice while it is still considering', () => {
    const h = new Harness();
    h.step(
      { type: 'send', targets: three },
      { type: 'send', targets: [three[0] ?? { hospitalId: '', etaMinutes: 0 }] },
    );
    expect(h.state.targets).toHaveLength(3);
    expect(h.ofType('ignored')).toEqual([
      { type: 'ignored', at: NOW, hospitalId: 'h-a', why: 'alreadyAsked' },
    ]);
  });

  it('takes the next round from the ranking, skipping hospitals already asked', () => {
    const h = new Harness();
    h.step({ type: 'send', targets: three.slice(0, 1) });
    const ranked = ['h-a', 'h-d', 'h-e', 'h-f', 'h-g'].map((id, i) => ({
      hospitalId: id,
      travelMinutes: 5.2 + i,
    }));
    const ranking = { ranked, excluded: [] } as unknown as Ranking;
    expect(nextTargets(h.state, ranking)).toEqual([
      { hospitalId: 'h-d', etaMinutes: 7 },
      { hospitalId: 'h-e', etaMinutes: 8 },
      { hospitalId: 'h-f', etaMinutes: 9 },
    ]);
  });

  it('ignores an answer to an unknown inquiry or from the wrong hospital', () => {
    const h = new Harness();
    h.step({ type: 'send', targets: three });
    h.step(
      { type: 'answer', answer: { inquiryId: 'c-x-q9', hospitalId: 'h-a', answer: { kind: 'accept' } } },
      { type: 'answer', answer: { inquiryId: h.idOf('h-a'), hospitalId: 'h-b', answer: { kind: 'accept' } } },
    );
    expect(h.state.outcome).toBe('open');
    expect(h.ofType('ignored').map((e) => e.why)).toEqual(['unknownInquiry', 'unknownInquiry']);
  });

  it('withdraws every open inquiry when the dispatcher cancels', () => {
    const h = new Harness();
    h.step({ type: 'send', targets: three });
    h.step(h.decline('h-a'));
    h.step({ type: 'cancel' }, h.accept('h-b'));
    expect(h.state.outcome).toBe('cancelled');
    expect(h.withdrawalsTo('h-a')).toBe(0);
    expect(h.withdrawalsTo('h-b')).toBe(1);
    expect(h.withdrawalsTo('h-c')).toBe(1);
    expect(h.ofType('ignored').at(-1)?.why).toBe('caseClosed');
  });
});

describe('acceptance races', () => {
  it.each([
    ['h-a', 'h-b'],
    ['h-b', 'h-a'],
  ])('two acceptances at the same moment: %s (read first) wins, %s is withdrawn once', (first, second) => {
    const h = new Harness();
    h.step({ type: 'send', targets: three });
    h.clock.advance(42_000);
    h.step(h.accept(first), h.accept(second));
    expect(h.ofType('accepted')).toEqual([
      { type: 'accepted', at: NOW + 42_000, hospitalId: first, late: false },
    ]);
    expect(h.state).toMatchObject({ outcome: 'accepted', winner: first });
    expect(h.withdrawalsTo(first)).toBe(0);
    expect(h.withdrawalsTo(second)).toBe(1);
    expect(h.withdrawalsTo('h-c')).toBe(1);
    const confirmations = h.commands.filter((c) => c.type === 'confirmAcceptance');
    expect(confirmations.map((c) => c.message.hospitalId)).toEqual([first]);
    expect(nextDeadline(h.state)).toBeUndefined();
  });

  it('repeats the confirmation when the winner’s acceptance is redelivered', () => {
    const h = new Harness();
    h.step({ type: 'send', targets: three });
    h.step(h.accept('h-c'));
    h.step(h.accept('h-c'));
    expect(h.commands.filter((c) => c.type === 'confirmAcceptance')).toHaveLength(2);
    expect(h.ofType('accepted')).toHaveLength(1);
  });

  it('never has two winners, and every other hospital ends declined or withdrawn exactly once', () => {
    const hospitals = ['h-a', 'h-b', 'h-c', 'h-d', 'h-e'];
    const action = fc.oneof(
      fc.record({ kind: fc.constant('accept' as const), h: fc.constantFrom(...hospitals) }),
      fc.record({ kind: fc.constant('decline' as const), h: fc.constantFrom(...hospitals) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 400_000 }) }),
      fc.record({ kind: fc.constant('cancel' as const) }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(action, { minLength: 1, maxLength: 3 }), { maxLength: 12 }),
        (batches) => {
          const h = new Harness();
          h.step({ type: 'send', targets: hospitals.map((id) => ({ hospitalId: id, etaMinutes: 10 })) });
          for (const batch of batches) {
            const inputs: InquiryInput[] = [];
            for (const a of batch) {
              if (a.kind === 'wait') h.clock.advance(a.ms);
              else if (a.kind === 'cancel') inputs.push({ type: 'cancel' });
              else inputs.push(a.kind === 'accept' ? h.accept(a.h) : h.decline(a.h));
            }
            h.step(...inputs, { type: 'tick' });
          }
          const accepted = h.ofType('accepted');
          expect(accepted.length).toBeLessThanOrEqual(1);
          for (const id of hospitals) expect(h.withdrawalsTo(id)).toBeLessThanOrEqual(1);
          if (h.state.outcome !== 'open') {
            for (const t of h.state.targets) {
              expect(['accepted', 'declined', 'withdrawn']).toContain(t.phase);
              if (t.phase === 'withdrawn') expect(h.withdrawalsTo(t.hospitalId)).toBe(1);
            }
          }
          if (accepted[0] !== undefined) expect(h.state.winner).toBe(accepted[0].hospitalId);
          expect(h.ofType('escalated').length).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe('timeouts and escalation (injected clock)', () => {
  it('times a silent hospital out, reports the round exhausted, and still takes a late acceptance', () => {
    const h = new Harness();
    h.step({ type: 'send', targets: three });
    h.step(h.decline('h-a'));
    h.clock.advance(179_999);
    h.step({ type: 'tick' });
    expect(h.ofType('timedOut')).toEqual([]);
    h.clock.advance(1);
    h.step({ type: 'tick' });
    expect(h.ofType('timedOut').map((e) => e.hospitalId)).toEqual(['h-b', 'h-c']);
    expect(h.ofType('exhausted')).toEqual([{ type: 'exhausted', at: NOW + 180_000, refusals: 3 }]);
    expect(h.withdrawalsTo('h-b')).toBe(0);

    h.clock.advance(30_000);
    h.step(h.accept('h-c'));
    expect(h.ofType('accepted')).toEqual([
      { type: 'accepted', at: NOW + 210_000, hospitalId: 'h-c', late: true },
    ]);
    expect(h.withdrawalsTo('h-b')).toBe(1);
  });

  it('escalates to the regional centre after 5 refusals, once', () => {
    const h = new Harness();
    h.step({ type: 'send', targets: three });
    h.step(h.decline('h-a'), h.decline('h-b'), h.decline('h-c'));
    h.clock.advance(60_000);
    const more = [
      { hospitalId: 'h-d', etaMinutes: 15 },
      { hospitalId: 'h-e', etaMinutes: 19 },
      { hospitalId: 'h-f', etaMinutes: 22 },
    ];
    h.step({ type: 'send', targets: more });
    h.step(h.decline('h-d'));
    expect(h.ofType('escalated')).toEqual([]);
    h.step(h.decline('h-e'));
    expect(h.ofType('escalated')).toEqual([
      { type: 'escalated', at: NOW + 60_000, trigger: 'refusals', refusals: 5, elapsedMinutes: 1 },
    ]);
    const escalations = h.commands.filter((c) => c.type === 'escalate');
    expect(escalations.map((c) => c.message)).toEqual([
      {
        caseId: request.caseId,
        regionalCentreId: 'centre-yokohama',
        trigger: 'refusals',
        refusals: 5,
        elapsedMinutes: 1,
        request,
      },
    ]);
    h.step(h.decline('h-f'));
    expect(h.ofType('escalated')).toHaveLength(1);
    expect(h.state.outcome).toBe('open');
  });

  it('escalates after 20 minutes without a bed, at the tick the adapter schedules', () => {
    const h = new Harness();
    h.step({ type: 'send', targets: three.slice(0, 1) });
    h.clock.set(nextDeadline(h.state) ?? 0);
    h.step({ type: 'tick' });
    expect(h.ofType('timedOut')).toHaveLength(1);
    expect(nextDeadline(h.state)).toBe(NOW + 20 * 60_000);
    h.clock.set(NOW + 20 * 60_000 - 1);
    h.step({ type: 'tick' });
    expect(h.ofType('escalated')).toEqual([]);
    h.clock.advance(1);
    h.step({ type: 'tick' });
    expect(h.ofType('escalated')).toMatchObject([{ trigger: 'elapsed', refusals: 1, elapsedMinutes: 20 }]);
    expect(nextDeadline(h.state)).toBeUndefined();
  });

  it('uses each region’s own rule, falling back to the default', () => {
    const policies = {
      default: policy,
      regions: {
        'region-shonan': { ...policy, escalateAfterRefusals: 3, regionalCentreId: 'centre-shonan' },
      },
    };
    expect(inquiryPolicyFor(policies, 'region-shonan').escalateAfterRefusals).toBe(3);
    expect(inquiryPolicyFor(policies, 'region-other')).toBe(policy);
    expect(inquiryPolicyFor(policies, 'constructor')).toBe(policy);

    const h = new Harness();
    h.state = openInquiry(request, inquiryPolicyFor(policies, 'region-shonan'));
    h.step({ type: 'send', targets: three });
    h.step(h.decline('h-a'), h.decline('h-b'), h.decline('h-c'));
    expect(h.commands.filter((c) => c.type === 'escalate').map((c) => c.message.regionalCentreId)).toEqual([
      'centre-shonan',
    ]);
  });
});

describe('answer messages', () => {
  it('parses a decline and rejects an unknown reason with a typed error', () => {
    const good: InquiryAnswer = {
      inquiryId: 'c-1-q1',
      hospitalId: 'h-a',
      answer: { kind: 'decline', reason: 'outsideSpecialty' },
    };
    expect(parseInquiryAnswer(good)).toEqual({ ok: true, value: good });
    const bad = parseInquiryAnswer({ ...good, answer: { kind: 'decline', reason: 'busy' } });
    expect(bad).toEqual({
      ok: false,
      error: {
        code: INQUIRY_ERROR.invalidAnswer,
        problems: [{ path: 'answer.reason', code: 'invalidValue' }],
      },
    });
  });
});

it('runs a round without touching the shared state object', () => {
  const start = openInquiry(request, policy);
  const frozen = JSON.stringify(start);
  stepInquiry(start, { type: 'send', targets: three }, NOW);
  expect(JSON.stringify(start)).toBe(frozen);
});
