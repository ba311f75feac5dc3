import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newFormKey } from '../../src/roles/tablet/index.js';
import { HOSPITALS, holderWith, startRig, type Rig } from '../support/tablet-rig.js';
import { waitFor } from '../support/wait.js';

const REPORT = {
  ageValue: '64',
  ageUnit: 'years',
  mechanism: 'chest pain',
  injuries: '',
  hr: '110',
  sys: '90',
  dia: '60',
  rr: '24',
  spo2: '93',
  acuity: '2',
  etaMinutes: '9',
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
  await crew.cardShows('data-outcome="ok"');
  return tap;
};

/** The list's row of this report (its `<li …>` opening tag), or undefined. */
const rowOf = async (rig: Rig, reportId: string): Promise<string | undefined> =>
  new RegExp(`<li [^>]*data-report="${reportId}"[^>]*>`).exec(await rig.crew.panel('reports'))?.[0];

describe("the crew's list of this shift's reports (issue 12, R3) and the report form's idempotency key (R4)", () => {
  let rig: Rig;
  /** The ambulance role's clock runs this far ahead of the system's (moved while the role is down). */
  let ahead = 0;
  beforeAll(async () => {
    rig = await startRig({ clock: { now: () => Date.now() + ahead } });
  }, 60_000);
  afterAll(async () => rig?.close());

  it('R4: a form re-posted after its response was lost, in the same card session, is the same report: no second version', async () => {
    const { receiver } = rig;
    const tap = await readCard(rig, holderWith('active'));
    const form = { tap, key: newFormKey(), hospital: HOSPITALS[0], ...REPORT };
    // The first post is stored and sent; its answer never reaches the browser (we drop it).
    expect((await rig.crew.post('/tablet/report', form)).status).toBe(303);
    const incoming = await waitFor(() => receiver.board()[0], 'the report on the hospital board');
    // The browser sends the same form again.
    expect((await rig.crew.post('/tablet/report', form)).status).toBe(303);
    // Then a real update with new vitals (a new form): once it is on the board, any second version
    // the re-post made is there too (versions apply in sequence). The trend is first post + update.
    await rig.crew.post('/tablet/report', { ...form, key: newFormKey(), hr: '130' });
    const trend = await waitFor(() => {
      const signs = receiver.board().find((r) => r.reportId === incoming.reportId)?.body?.atmist.signs;
      return signs?.at(-1)?.heartRate === 130 ? signs : undefined;
    }, 'the update on the board');
    expect(trend.map((v) => v.heartRate)).toEqual([110, 130]);
    expect(receiver.board()).toHaveLength(1);
    await waitFor(
      async () =>
        (await rowOf(rig, incoming.reportId))?.includes('data-state="received"') === true ? true : undefined,
      'the report in the list, delivered',
    );
    // Handover: the session's reports leave the list.
    await rig.crew.post('/tablet/handover', { tap, confirm: 'yes' });
    await waitFor(
      () => rowOf(rig, incoming.reportId).then((r) => (r === undefined ? true : undefined)),
      'gone after handover',
    );
  }, 60_000);

  it('R4: a form re-posted after a restart of the ambulance role shows its report, so the crew does not start over: one report at the hospital', async () => {
    const { receiver } = rig;
    const before = receiver.board().length;
    const tap = await readCard(rig, holderWith('active'));
    const form = { tap, key: newFormKey(), hospital: HOSPITALS[0], ...REPORT, mechanism: 'fall' };
    expect((await rig.crew.post('/tablet/report', form)).status).toBe(303);
    const incoming = await waitFor(
      () => receiver.board().find((r) => r.body?.atmist.mechanism === 'fall'),
      'the report on the hospital board',
    );
    // The answer is lost with the process: the role restarts (its card session is gone).
    await rig.restartAmbulance();
    expect((await rig.crew.post('/tablet/report', form)).status).toBe(303);
    // The crew looks at the tablet: if their report is not there they must start over with a new tap.
    const shown = await rowOf(rig, incoming.reportId);
    if (shown === undefined) {
      const again = await readCard(rig, holderWith('active'));
      await rig.crew.post('/tablet/report', { ...form, tap: again, key: newFormKey() });
      await waitFor(
        () => (receiver.board().length > before + 1 ? true : undefined),
        'a second report',
        10_000,
      ).catch(() => undefined);
    }
    expect(receiver.board().filter((r) => r.body?.atmist.mechanism === 'fall')).toHaveLength(1);
    expect(shown).toContain('data-repeat');
    // Delivered: the restarted outbox sends it again (same message id) and the hospital acknowledges.
    await waitFor(
      async () =>
        (await rowOf(rig, incoming.reportId))?.includes('data-state="received"') === true ? true : undefined,
      'shown as delivered',
    );
  }, 90_000);

  it('R3: a report whose card session ended and which then expires is listed as expired, across a restart', async () => {
    // HOSPITALS[1] runs no receiver in the rig: the report is never acknowledged.
    const tap = await readCard(rig, holderWith('active'));
    const key = newFormKey();
    expect(
      (await rig.crew.post('/tablet/report', { tap, key, hospital: HOSPITALS[1], ...REPORT })).status,
    ).toBe(303);
    const reportId = await waitFor(
      async () =>
        /<li [^>]*data-report="([0-9a-f-]+)" data-state="(queued|sent|at-broker)"/.exec(
          await rig.crew.panel('reports'),
        )?.[1],
      'the report in the list, not yet delivered',
    );
    // The card session ends: another card is tapped.
    await rig.crew.post('/tablet/demo/insert', { holder: String(holderWith('active')) });
    await rig.crew.cardShows('data-phase="card-present"');
    expect(await rig.crew.panel('report')).not.toContain(reportId);
    // The role goes down; when it is back the report is past its expiry (2 h).
    ahead = 3 * 3_600_000;
    await rig.restartAmbulance();
    const row = await waitFor(() => rowOf(rig, reportId), 'the report in the list after the restart');
    expect(row).toContain('data-state="expired"');
    // The list names the destination and times only: nothing the crew entered about the patient.
    const list = await rig.crew.panel('reports');
    expect(list).toContain(`Hospital ${HOSPITALS[1]}`);
    expect(list).not.toContain('chest pain');
    expect(list).not.toContain(REPORT.phone);
  }, 90_000);
});
