/**
 * The pure rules the card session service acts on (src/roles/tablet/state.ts, lookup-state.ts,
 * records-request.ts): which card session a new card ends, attaching a card to an unknown patient,
 * which report is still open, the crew's choice of a lookup candidate, and the records request.
 */
import { describe, expect, it } from 'vitest';
import type { CrewState, ReportView } from '../../src/hospital-feed/index.js';
import { phi } from '../../src/log/index.js';
import type { CardIdentity } from '../../src/reader/index.js';
import { EMPTY_DRAFT } from '../../src/roles/tablet/lookup-form.js';
import { chosenCandidate, type LookupState } from '../../src/roles/tablet/lookup-state.js';
import { recordsIdentity, summaryRequest } from '../../src/roles/tablet/records-request.js';
import {
  holdsNoPatient,
  isOpenState,
  joinCard,
  newSession,
  newUnknownPatient,
  NOTICES,
  openReport,
  type CardSession,
} from '../../src/roles/tablet/state.js';
import { sampleReport } from '../support/feed/sample.js';

const unknown = (tap = 'tap-patient'): CardSession =>
  newUnknownPatient(tap, 1, { ageBand: '60-69', sex: 'female' });

const cardIdentity = (mode: 'pin' | 'visual', proof = true): CardIdentity => ({
  certificateSerial: phi('0A1B2C'),
  certificateDer: phi(new Uint8Array([0x30, 0x82])),
  validity: phi({ notBefore: '2025-01-01', notAfter: '2030-01-01' }),
  issuer: 'CN=test CA',
  mode,
  verification: {
    certificate: 'trusted-and-current',
    cardPresence: mode === 'pin' ? 'signature-verified' : 'not-checked',
  },
  ...(proof && mode === 'visual' ? { attester: 'crew-7' } : {}),
  ...(proof && mode === 'pin'
    ? { presence: phi({ challenge: new Uint8Array([1, 2]), signature: new Uint8Array([3, 4]) }) }
    : {}),
  verifiedAt: '2026-11-30T13:00:00Z',
  apduCount: 9,
});

const answered = (refs: readonly string[]): LookupState => ({
  draft: { ...EMPTY_DRAFT, method: 'insurer-number' },
  errors: {},
  status: 'answered',
  candidates: refs.map((ref, i) => ({ ref, score: 90 - i })),
  complete: true,
  failure: undefined,
});

describe('a new card ends only a card session that holds no patient', () => {
  it('an empty card session holds none; an identified one, one with a report, or an unknown patient do', () => {
    const empty = newSession('tap-1');
    expect(holdsNoPatient(empty)).toBe(true);
    expect(holdsNoPatient({ ...empty, identity: cardIdentity('pin') })).toBe(false);
    const report = { reportId: 'r-1', hospitalId: 'h-1', input: sampleReport(1) };
    expect(holdsNoPatient({ ...empty, reports: [report] })).toBe(false);
    expect(holdsNoPatient(unknown())).toBe(false);
  });
});

describe('attaching the card to an unknown patient (joinCard)', () => {
  it('the patient reads the card from here on, keeping its number and description; an open lookup goes', () => {
    const patient: CardSession = {
      ...unknown(),
      number: 3,
      lookup: answered(['ref-a']),
      notice: NOTICES.notNow,
    };
    const card: CardSession = { ...newSession('tap-card', 4), pinTries: 3 };
    const joined = joinCard(patient, card);
    expect(joined).toEqual({
      ok: true,
      value: {
        ...patient,
        phase: { kind: 'card-present' },
        pinTries: 3,
        lookup: undefined,
        notice: undefined,
      },
    });
  });

  it('two identities are never merged: a patient identified by a lookup or a card refuses the card', () => {
    const card = newSession('tap-card');
    const byLookup: CardSession = {
      ...unknown(),
      candidate: { ref: 'ref-a', method: 'four-items', score: 80, confirmedBy: 'crew-1' },
    };
    expect(joinCard(byLookup, card)).toEqual({ ok: false, error: NOTICES.identityConflict });
    const byCard: CardSession = { ...unknown(), identity: cardIdentity('visual') };
    expect(joinCard(byCard, card)).toEqual({ ok: false, error: NOTICES.identityConflict });
  });
});

describe('the open report (openReport)', () => {
  const withReports = (...ids: string[]): CardSession => ({
    ...unknown(),
    reports: ids.map((reportId) => ({ reportId, hospitalId: 'h-1', input: sampleReport(1) })),
  });
  const viewIn =
    (state: CrewState) =>
    (reportId: string): ReportView => ({ reportId, hospitalId: 'h-1', state, expiresAt: 0, updatedAt: 0 });

  it.each<[CrewState, boolean]>([
    ['queued', true],
    ['sent', true],
    ['at-broker', true],
    ['received', true],
    ['viewed', true],
    ['accepted', true],
    ['declined', false],
    ['expired', false],
    ['cancelled', false],
    ['handed-over', false],
  ])('a latest report %s is open: %s', (state, open) => {
    expect(isOpenState(state)).toBe(open);
    expect(openReport(withReports('r-1', 'r-2'), viewIn(state))?.reportId).toBe(open ? 'r-2' : undefined);
  });

  it('only the latest report counts, and one the feed no longer knows is not open', () => {
    const s = withReports('r-1', 'r-2');
    const onlyFirstOpen = (id: string): ReportView | undefined =>
      id === 'r-1' ? viewIn('accepted')(id) : viewIn('cancelled')(id);
    expect(openReport(s, onlyFirstOpen)).toBeUndefined();
    expect(openReport(s, () => undefined)).toBeUndefined();
    expect(openReport(unknown(), viewIn('accepted'))).toBeUndefined();
  });
});

describe('the crew’s choice of a lookup candidate (chosenCandidate)', () => {
  it('a candidate of the answer on screen, by the lookup’s method and its score, confirmed by the crew member', () => {
    expect(chosenCandidate(answered(['ref-a', 'ref-b']), 'ref-b', 'crew-2')).toEqual({
      ref: 'ref-b',
      method: 'insurer-number',
      score: 89,
      confirmedBy: 'crew-2',
    });
  });

  it('nothing for a ref not offered, or before the answer is in', () => {
    expect(chosenCandidate(answered(['ref-a']), 'ref-z', 'crew-2')).toBeUndefined();
    expect(
      chosenCandidate({ ...answered(['ref-a']), status: 'searching' }, 'ref-a', 'crew-2'),
    ).toBeUndefined();
    expect(chosenCandidate(undefined, 'ref-a', 'crew-2')).toBeUndefined();
  });
});

describe('the records request (summaryRequest, recordsIdentity)', () => {
  const consented = (s: CardSession): CardSession => ({ ...s, subject: 'cs-1', consent: { basis: 'given' } });

  it('a card read sends its certificate and its proof: the PIN challenge signature, or the attester', () => {
    const pin = summaryRequest(
      consented({ ...newSession('tap-1'), identity: cardIdentity('pin') }),
      'crew-1',
    );
    expect(pin).toEqual({
      identity: {
        certificate: new Uint8Array([0x30, 0x82]),
        certificateSerial: '0A1B2C',
        check: { mode: 'pin', challenge: new Uint8Array([1, 2]), challengeSignature: new Uint8Array([3, 4]) },
      },
      consent: { basis: 'given' },
      purpose: 'emergency-care',
      crewMember: 'crew-1',
      session: 'cs-1',
    });
    expect(recordsIdentity(cardIdentity('visual')).check).toEqual({ mode: 'visual', attester: 'crew-7' });
  });

  it('without a card, the confirmed lookup candidate is the identity', () => {
    const candidate = { ref: 'ref-a', method: 'four-items', score: 80, confirmedBy: 'crew-1' } as const;
    expect(summaryRequest(consented({ ...unknown(), candidate }), 'crew-1')?.identity).toBe(candidate);
  });

  it('no request without an identity, a subject or a consent basis', () => {
    const withCard = consented({ ...newSession('tap-1'), identity: cardIdentity('pin') });
    expect(summaryRequest(consented(unknown()), 'crew-1')).toBeUndefined();
    expect(summaryRequest({ ...withCard, subject: undefined }, 'crew-1')).toBeUndefined();
    expect(summaryRequest({ ...withCard, consent: undefined }, 'crew-1')).toBeUndefined();
  });

  it('a card identity without the proof of its mode is a bug, never a request', () => {
    expect(() => recordsIdentity(cardIdentity('pin', false))).toThrow('a pin identity without its proof');
    expect(() => recordsIdentity(cardIdentity('visual', false))).toThrow(
      'a visual identity without its proof',
    );
  });
});
