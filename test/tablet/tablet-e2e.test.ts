import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardholder } from '../../src/sim/index.js';
import { newFormKey } from '../../src/roles/tablet/index.js';
import { HOSPITALS, SEED, holderWith, startRig, type Rig } from '../support/tablet-rig.js';
import { waitFor } from '../support/wait.js';

const REPORT = {
  ageValue: '72',
  ageUnit: 'years',
  mechanism: 'fall at home',
  injuries: 'hip pain',
  hr: '96',
  sys: '148',
  dia: '82',
  rr: '20',
  spo2: '95',
  temp: '36.8',
  jcs: '1',
  gcsE: '4',
  gcsV: '5',
  gcsM: '6',
  pupilL: '3',
  pupilR: '3',
  pupilLReactive: 'on',
  pupilRReactive: 'on',
  treatment: 'splint',
  acuity: '3',
  etaMinutes: '12',
  callSign: 'Rig 01',
  phone: '+81-3-0000-0001',
};

/** Taps a holder's emulated card, confirms visually and records consent; returns the tap id. */
const readCard = async (rig: Rig, holder: number, basis = 'given'): Promise<string> => {
  const { crew } = rig;
  expect((await crew.post('/tablet/demo/insert', { holder: String(holder) })).status).toBe(303);
  await crew.cardShows('data-phase="card-present"');
  const tap = await crew.tap();
  expect((await crew.post('/tablet/identify', { tap, mode: 'visual' })).status).toBe(303);
  await crew.cardShows('data-phase="identified"');
  // Refusing is a confirmed second step (issue 15); the other bases are one tap.
  await crew.post('/tablet/consent', { tap, basis, ...(basis === 'refused' ? { confirm: 'yes' } : {}) });
  return tap;
};

describe('ambulance tablet end to end: card → records-sim → cache → tablet → hospital feed', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 60_000);
  afterAll(async () => rig?.close());

  it('reads a card, shows the summary, sends the report, and shows the hospital’s acceptance', async () => {
    const { crew, receiver } = rig;
    const holder = holderWith('active');
    const tap = await readCard(rig, holder);
    await crew.cardShows('data-outcome="ok"');
    const summary = await crew.panel('summary');
    expect(summary).toContain('data-summary');
    // Allergies come first, then the critical medication flags.
    expect(summary.indexOf('data-section="allergies"')).toBeLessThan(summary.indexOf('data-section="flags"'));
    expect(summary.indexOf('data-section="flags"')).toBeLessThan(
      summary.indexOf('data-section="medications"'),
    );
    expect(summary).not.toContain('data-from-cache');

    expect(
      (await crew.post('/tablet/report', { tap, key: newFormKey(), hospital: HOSPITALS[0], ...REPORT }))
        .status,
    ).toBe(303);
    const incoming = await waitFor(() => receiver.board()[0], 'the report on the hospital board');
    expect(incoming.body?.atmist.signs[0]?.jcs?.level).toBe(1);
    expect(incoming.body?.atmist.signs[0]?.gcs).toEqual({ e: 4, v: 5, m: 6 });
    expect(incoming.body?.summary).toBeDefined();
    // How the patient was identified travels with the report (issue 13): the crew's visual check.
    expect(incoming.body?.identity?.method).toBe('card-visual');
    expect(summary).toContain('data-assurance="card-visual"');
    await waitFor(async () => (await crew.panel('report')).includes('data-state="received"'), 'received');

    const answered = await receiver.answer(incoming.unitId, incoming.reportId, { decision: 'accept' });
    expect(answered.ok).toBe(true);
    await waitFor(async () => (await crew.panel('report')).includes('data-state="accepted"'), 'accepted');

    // Audit: the summary view and the report, by opaque ids only.
    const entries = rig.ambulance.gateway.audit.latest(50);
    expect(entries.some((e) => e.action === 'read' && e.subject?.kind === 'card-session')).toBe(true);
    expect(entries.some((e) => e.action === 'create' && e.subject?.id === incoming.reportId)).toBe(true);
    expect(entries.find((e) => e.subject?.id === incoming.reportId)?.assurance).toBe('card-visual');
    const serial = cardholder(SEED, holder).certificateSerial;
    expect(JSON.stringify(entries)).not.toContain(serial);
  });

  it('an update with new vitals reaches the hospital as a trend; a divert cancels at the first hospital', async () => {
    const { crew, receiver } = rig;
    const tap = await crew.tap();
    await crew.post('/tablet/report', {
      tap,
      key: newFormKey(),
      hospital: HOSPITALS[0],
      ...REPORT,
      hr: '120',
    });
    await waitFor(() => (receiver.board()[0]?.body?.atmist.signs.length === 2 ? true : undefined), 'update');
    expect(receiver.board()[0]?.body?.atmist.signs.map((s) => s.heartRate)).toEqual([96, 120]);
    await crew.post('/tablet/divert', { tap, hospital: HOSPITALS[1], confirm: 'yes' });
    await waitFor(
      () => (receiver.board().length === 0 ? true : undefined),
      'cancelled at the first hospital',
    );
    await waitFor(async () => (await crew.panel('report')).includes('data-state="cancelled"'), 'cancelled');
  });

  it('a repeat tap of the same card within the TTL is served from the cache and says so; handover purges it', async () => {
    const { crew } = rig;
    const tap = await readCard(rig, holderWith('active'));
    await crew.cardShows('data-outcome="ok"');
    expect(await crew.panel('summary')).toContain('data-from-cache');
    await crew.post('/tablet/handover', { tap, confirm: 'yes' });
    // The first patient (read earlier, reports sent) is still on this tablet: it comes on screen.
    const first = await crew.tap();
    expect(first).not.toBe(tap);
    await crew.post('/tablet/handover', { tap: first, confirm: 'yes' });
    await crew.cardShows('カードなし');
    expect(await crew.panel('summary')).not.toContain('data-summary');
    // The same card again: purged, so fetched anew.
    await readCard(rig, holderWith('active'));
    await crew.cardShows('data-outcome="ok"');
    expect(await crew.panel('summary')).not.toContain('data-from-cache');
  });

  it('a form from an earlier card is refused: a new card ends the previous session’s view', async () => {
    const { crew } = rig;
    const old = await crew.tap();
    await crew.post('/tablet/demo/insert', { holder: String(holderWith('no-eligibility')) });
    await crew.cardShows('data-phase="card-present"');
    expect(await crew.tap()).not.toBe(old);
    expect(await crew.panel('summary')).not.toContain('data-summary');
    await crew.post('/tablet/consent', { tap: old, basis: 'given' });
    await crew.cardShows('data-phase="card-present"');
  });

  it.each([
    ['no-eligibility', 'no-eligibility'],
    ['suspended', 'card-suspended'],
    ['revoked', 'card-suspended'],
    ['certificate-expired', 'certificate-expired'],
  ] as const)('records status %s → outcome %s on the tablet', async (status, outcome) => {
    await readCard(rig, holderWith(status));
    await rig.crew.cardShows(`data-outcome="${outcome}"`);
    expect(await rig.crew.panel('summary')).not.toContain('data-summary');
  });

  it('PIN mode: the card signs a challenge that the records service checks against the certificate', async () => {
    const { crew } = rig;
    const holder = holderWith('active');
    await crew.post('/tablet/demo/insert', { holder: String(holder) });
    await crew.cardShows('data-phase="card-present"');
    await crew.cardShows('data-action="identify-pin"');
    const tap = await crew.tap();
    await crew.post('/tablet/identify', { tap, mode: 'pin', pin: cardholder(SEED, holder).authPin });
    await crew.cardShows('data-phase="identified"');
    await crew.post('/tablet/consent', { tap, basis: 'unable-emergency', reason: 'unconscious' });
    await crew.cardShows('data-outcome="ok"');
  });

  it('consent refused: nothing is fetched', async () => {
    await readCard(rig, holderWith('active'), 'refused');
    await rig.crew.cardShows('data-outcome="consent-refused"');
  });

  it('a card removed before it is read says "tap again"', async () => {
    const { crew } = rig;
    await crew.post('/tablet/demo/insert', { holder: String(holderWith('active')) });
    await crew.cardShows('data-phase="card-present"');
    await crew.post('/tablet/demo/remove', {});
    await crew.cardShows('data-phase="removed"');
  });
});

describe('records outcomes that need another records service', () => {
  it('not found: a card whose holder has no records', async () => {
    const rig = await startRig({ population: 1 });
    try {
      await readCard(rig, holderWith('no-eligibility'));
      await rig.crew.cardShows('data-outcome="not-found"');
    } finally {
      await rig.close();
    }
  }, 60_000);

  it('upstream unavailable: said so, retried in the background, the report can be sent by hand', async () => {
    const rig = await startRig({ faults: { errorRate: 1 }, maxAttempts: 1 });
    try {
      const tap = await readCard(rig, holderWith('active'));
      const card = await rig.crew.cardShows('data-outcome="upstream-unavailable"');
      expect(card).toContain('/tablet/retry');
      await rig.crew.post('/tablet/report', { tap, key: newFormKey(), hospital: HOSPITALS[0], ...REPORT });
      const incoming = await waitFor(() => rig.receiver.board()[0], 'a report without records');
      expect(incoming.body?.summary).toBeUndefined();
    } finally {
      await rig.close();
    }
  }, 60_000);

  it('timeout: the records service does not answer in time', async () => {
    const rig = await startRig({ faults: { timeoutRate: 1 }, maxAttempts: 1, timeoutMs: 300 });
    try {
      await readCard(rig, holderWith('active'));
      await rig.crew.cardShows('data-outcome="timeout"');
    } finally {
      await rig.close();
    }
  }, 60_000);
});
