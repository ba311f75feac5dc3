import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newFormKey } from '../../src/roles/tablet/index.js';
import { HOSPITALS, holderWith, startRig, type Rig } from '../support/tablet-rig.js';
import { waitFor } from '../support/wait.js';

const REPORT = {
  ageValue: '75',
  ageUnit: 'years',
  ageEstimated: 'on',
  mechanism: 'found collapsed in the street',
  injuries: 'head wound',
  hr: '110',
  sys: '90',
  dia: '60',
  acuity: '2',
  etaMinutes: '9',
  callSign: 'Rig 01',
  phone: '+81-3-0000-0001',
};

/** The patient ids listed on the card panel, in order, and the one on screen. */
const patients = async (rig: Rig): Promise<{ all: string[]; onScreen: string | undefined }> => {
  const html = await rig.crew.panel('card');
  const all = [...html.matchAll(/data-patient="(tap-[0-9a-f]+)"/g)].map((m) => m[1] as string);
  const onScreen = /data-patient="(tap-[0-9a-f]+)"[^>]*aria-current="true"/.exec(html)?.[1];
  return { all, onScreen };
};

const reportIds = (html: string): Set<string> =>
  new Set([...html.matchAll(/data-report="([0-9a-f-]+)"/g)].map((m) => m[1] as string));

describe('a report for any patient; several patients per ambulance (issue 13)', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 60_000);
  afterAll(async () => rig?.close());

  it('an unknown patient without a card: reported, updated, diverted and accepted as "crew-entered"', async () => {
    const { crew, receiver } = rig;
    expect((await crew.post('/tablet/patient/new', { ageBand: '70-79', sex: 'female' })).status).toBe(303);
    const card = await crew.cardShows('data-phase="unidentified"');
    expect(card).toContain('70代');
    const tap = await crew.tap();
    // No records for an unknown patient: the summary panel says so, the report panel takes a report.
    expect(await crew.panel('summary')).not.toContain('data-summary');

    await crew.post('/tablet/report', { tap, key: newFormKey(), hospital: HOSPITALS[0], ...REPORT });
    const incoming = await waitFor(() => receiver.board()[0], 'the report at the hospital');
    expect(incoming.body?.identity).toEqual({ method: 'crew-entered' });
    expect(incoming.body?.summary).toBeUndefined();
    expect(incoming.body?.atmist.age).toEqual({ value: 75, unit: 'years', estimated: true });

    await crew.post('/tablet/report', {
      tap,
      key: newFormKey(),
      hospital: HOSPITALS[0],
      ...REPORT,
      hr: '120',
    });
    await waitFor(() => (receiver.board()[0]?.body?.atmist.signs.length === 2 ? true : undefined), 'update');

    await crew.post('/tablet/divert', { tap, hospital: HOSPITALS[1], confirm: 'yes' });
    await waitFor(async () => (await crew.panel('report')).includes('data-state="cancelled"'), 'cancelled');
    const views = await crew.panel('report');
    const diverted = [...views.matchAll(/data-report="([0-9a-f-]+)"/g)].map((m) => m[1] as string);
    expect(new Set(diverted).size).toBe(2);

    const audit = rig.ambulance.gateway.audit.latest(20);
    const created = audit.filter((e) => e.action === 'create' && e.subject?.kind === 'report');
    expect(created.every((e) => e.assurance === 'crew-entered')).toBe(true);
    expect(audit.some((e) => e.subject?.kind === 'patient-session' && e.subject.id === tap)).toBe(true);
  });

  it('a second casualty by card keeps its own session: switching shows each one’s own reports only', async () => {
    const { crew } = rig;
    const first = await crew.tap();
    const firstReports = await crew.panel('report');

    expect((await crew.post('/tablet/demo/insert', { holder: String(holderWith('active')) })).status).toBe(
      303,
    );
    await crew.cardShows('data-phase="card-present"');
    const second = await crew.tap();
    expect(second).not.toBe(first);
    expect((await patients(rig)).all).toEqual([first, second]);
    expect((await patients(rig)).onScreen).toBe(second);
    // The second patient's screen has none of the first one's reports.
    for (const id of firstReports.matchAll(/data-report="([0-9a-f-]+)"/g))
      expect(await crew.panel('report')).not.toContain(id[1]);

    // A form for the patient not on screen is refused and changes nothing.
    await crew.post('/tablet/report', { tap: first, key: newFormKey(), hospital: HOSPITALS[0], ...REPORT });
    await crew.cardShows('data-notice="stale"');
    expect(await crew.panel('report')).not.toContain('data-reports');

    await crew.post('/tablet/identify', { tap: second, mode: 'visual' });
    await crew.cardShows('data-phase="identified"');
    await crew.post('/tablet/consent', { tap: second, basis: 'given' });
    await crew.cardShows('data-outcome="ok"');

    await crew.post('/tablet/patient/select', { patient: first });
    expect((await patients(rig)).onScreen).toBe(first);
    expect(await crew.tap()).toBe(first);
    await crew.cardShows('data-phase="unidentified"');
    // The card patient's summary does not show under the unknown patient.
    expect(await crew.panel('summary')).not.toContain('data-summary');
    expect(reportIds(await crew.panel('report'))).toEqual(reportIds(firstReports));

    await crew.post('/tablet/patient/select', { patient: second });
    expect(await crew.panel('summary')).toContain('data-summary');
  });

  it('discarding a patient is a confirmed second step; handover removes the unknown patient', async () => {
    const { crew } = rig;
    const second = await crew.tap();
    // Without the second step's confirm=yes (issue 15) nothing is discarded.
    expect((await crew.post('/tablet/patient/discard', { tap: second })).status).toBe(303);
    expect(await crew.panel('card')).toContain('data-confirm="discard"');
    expect((await patients(rig)).all).toContain(second);
    await crew.post('/tablet/patient/discard', { tap: second, confirm: 'yes' });
    await waitFor(async () => ((await patients(rig)).all.includes(second) ? undefined : true), 'discarded');

    const first = await crew.tap();
    await crew.post('/tablet/handover', { tap: first, confirm: 'yes' });
    await crew.cardShows('カードなし');
    expect((await patients(rig)).all).toEqual([]);
    const audit = rig.ambulance.gateway.audit.latest(10);
    expect(
      audit.find((e) => e.action === 'delete' && e.subject?.id === first && e.reason === 'handover')
        ?.assurance,
    ).toBe('crew-entered');
  });
});
