import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newFormKey } from '../../src/roles/tablet/index.js';
import { HOSPITALS, holderWith, startRig, type Rig } from '../support/tablet-rig.js';
import { waitFor } from '../support/wait.js';

/** The ATMIST form as a crew fills it in (synthetic). */
const REPORT = {
  ageValue: '64',
  ageUnit: 'years',
  mechanism: 'chest pain',
  injuries: 'none visible',
  hr: '104',
  sys: '98',
  dia: '60',
  rr: '22',
  spo2: '93',
  temp: '36.5',
  jcs: '0',
  gcsE: '4',
  gcsV: '5',
  gcsM: '6',
  pupilL: '3',
  pupilR: '3',
  pupilLReactive: 'on',
  pupilRReactive: 'on',
  treatment: 'oxygen',
  acuity: '2',
  etaMinutes: '8',
  callSign: 'Rig 01',
  phone: '+81-3-0000-0001',
};

/** Taps a holder's emulated card, confirms visually and records consent; returns the tap id. */
const readCard = async (rig: Rig, holder: number): Promise<string> => {
  const { crew } = rig;
  expect((await crew.post('/tablet/demo/insert', { holder: String(holder) })).status).toBe(303);
  await crew.cardShows('data-phase="card-present"');
  const tap = await crew.tap();
  expect((await crew.post('/tablet/identify', { tap, mode: 'visual' })).status).toBe(303);
  await crew.cardShows('data-phase="identified"');
  await crew.post('/tablet/consent', { tap, basis: 'given' });
  return tap;
};

describe('the tablet shows what the hospital said, in words', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 60_000);
  afterAll(async () => rig?.close());

  it("a decline reaches the crew with its reason in words and the hospital's note", async () => {
    const { crew, receiver } = rig;
    const tap = await readCard(rig, holderWith('active'));
    await crew.cardShows('data-outcome="ok"');
    expect(
      (await crew.post('/tablet/report', { tap, key: newFormKey(), hospital: HOSPITALS[0], ...REPORT }))
        .status,
    ).toBe(303);
    const incoming = await waitFor(() => receiver.board()[0], 'the report on the hospital board');
    const declined = await receiver.answer(incoming.unitId, incoming.reportId, {
      decision: 'decline',
      reason: 'no-specialist',
      note: '循環器医不在、〇〇病院へ',
    });
    expect(declined.ok).toBe(true);
    const panel = await waitFor(async () => {
      const html = await crew.panel('report');
      return html.includes('data-state="declined"') ? html : undefined;
    }, 'declined at the crew');
    expect(panel).toContain('data-decline="no-specialist"');
    // The reason in words (the crew's language is Japanese by default), never the code alone.
    expect(panel).toContain('専門医不在');
    expect(panel).toContain('循環器医不在、〇〇病院へ');
  });

  it('after a decline no ETA goes to that hospital: the crew’s own ETA sends nothing, not a new report', async () => {
    const { crew, receiver } = rig;
    const reportRows = async (): Promise<number> =>
      (await crew.panel('reports')).split('data-report=').length - 1;
    const before = new Set(receiver.board().map((r) => r.reportId));
    const tap = await readCard(rig, holderWith('active'));
    await crew.cardShows('data-outcome="ok"');
    expect(
      (await crew.post('/tablet/report', { tap, key: newFormKey(), hospital: HOSPITALS[0], ...REPORT }))
        .status,
    ).toBe(303);
    const incoming = await waitFor(
      () => receiver.board().find((r) => !before.has(r.reportId)),
      'the report on the hospital board',
    );
    expect(
      (await receiver.answer(incoming.unitId, incoming.reportId, { decision: 'decline', reason: 'no-bed' }))
        .ok,
    ).toBe(true);
    await waitFor(async () => {
      const html = await crew.panel('report');
      return html.includes('data-state="declined"') ? html : undefined;
    }, 'declined at the crew');
    const rows = await reportRows();
    // The ETA panel follows the open report only: a declined one has none (the crew diverts).
    expect(await crew.panel('eta')).not.toContain('eta-sent');
    await crew.post('/tablet/eta/manual', { minutes: '5' });
    // Every report the tablet sends is in its outbox (and this list) before the post returns.
    expect(await reportRows()).toBe(rows);
  });
});
