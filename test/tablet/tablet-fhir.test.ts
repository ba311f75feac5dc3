import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { medicalRecord } from '../../src/sim/records/index.js';
import { SEED, holderWith, startRig, type Rig } from '../support/tablet-rig.js';

/** Taps a holder's emulated card, confirms visually and records consent. */
const readCard = async (rig: Rig, holder: number, basis = 'given'): Promise<void> => {
  const { crew } = rig;
  await crew.post('/tablet/demo/insert', { holder: String(holder) });
  await crew.cardShows('data-phase="card-present"');
  const tap = await crew.tap();
  await crew.post('/tablet/identify', { tap, mode: 'visual' });
  await crew.cardShows('data-phase="identified"');
  // Refusing is a confirmed second step (issue 15); the other bases are one tap.
  await crew.post('/tablet/consent', { tap, basis, ...(basis === 'refused' ? { confirm: 'yes' } : {}) });
};

/**
 * The demo's shape with the FHIR kind (issue 14): the ambulance role as configured by
 * `records.kind: "fhir"`, the reference FHIR server (medplum's engine) with SMART backend
 * authorisation by the device key in the directory, the tablet's panels over HTTP.
 */
describe('ambulance tablet end to end over the FHIR kind', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ fhir: true, population: 120 });
  }, 90_000);
  afterAll(async () => rig?.close());

  it('card → FHIR server → the holder’s summary on the tablet; a repeat tap from the cache', async () => {
    const { crew } = rig;
    const holder = holderWith('active');
    await readCard(rig, holder);
    await crew.cardShows('data-outcome="ok"', 30_000);
    const summary = await crew.panel('summary');
    expect(summary).toContain('data-summary');
    for (const a of medicalRecord(SEED, holder).allergies) expect(summary).toContain(a.def.ja);
    await readCard(rig, holder);
    await crew.cardShows('data-outcome="ok"');
    expect(await crew.panel('summary')).toContain('data-from-cache');
  }, 60_000);

  it('no eligibility (資格なし) and consent refused, as with the sealed kind', async () => {
    await readCard(rig, holderWith('no-eligibility'));
    await rig.crew.cardShows('data-outcome="no-eligibility"', 30_000);
    expect(await rig.crew.panel('summary')).not.toContain('data-summary');
    await readCard(rig, holderWith('active'), 'refused');
    await rig.crew.cardShows('data-outcome="consent-refused"');
  }, 60_000);
});
