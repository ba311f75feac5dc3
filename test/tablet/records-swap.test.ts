import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { medicalRecord } from '../../src/sim/records/index.js';
import { startRecordsProxy, type RecordsProxy } from '../support/records-proxy.js';
import { SEED, startRig, type Rig } from '../support/tablet-rig.js';

/** Taps a holder's emulated card, confirms visually and records consent. */
const readCard = async (rig: Rig, holder: number): Promise<void> => {
  const { crew } = rig;
  expect((await crew.post('/tablet/demo/insert', { holder: String(holder) })).status).toBe(303);
  await crew.cardShows('data-phase="card-present"');
  const tap = await crew.tap();
  expect((await crew.post('/tablet/identify', { tap, mode: 'visual' })).status).toBe(303);
  await crew.cardShows('data-phase="identified"');
  await crew.post('/tablet/consent', { tap, basis: 'given' });
};

const allergyNames = (holder: number): string[] =>
  medicalRecord(SEED, holder).allergies.flatMap((a) => [a.def.ja, a.def.en]);

/**
 * The review's holders: #4's answer served for #1's request. Both must be active, and #4 must have
 * an allergy #1 does not, so a leak would be visible on the panel.
 */
const VICTIM = 1;
const OTHER = 4;

describe('H1: a records answer swapped by a proxy on the path is refused (black box)', () => {
  let rig: Rig;
  let proxy: RecordsProxy;
  beforeAll(async () => {
    proxy = await startRecordsProxy();
    rig = await startRig({
      recordsUrl: (upstream) => {
        proxy.target = upstream;
        return proxy.url;
      },
    });
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
    await proxy?.close();
  });

  it('the test holders fit the attack: both active, #4 has an allergy #1 has not', () => {
    expect(medicalRecord(SEED, VICTIM).status).toBe('active');
    expect(medicalRecord(SEED, OTHER).status).toBe('active');
    const victims = new Set(allergyNames(VICTIM));
    expect(allergyNames(OTHER).filter((n) => !victims.has(n)).length).toBeGreaterThan(0);
  });

  it("holder #4's earlier answer served to holder #1's request: refused, counted, nothing shown, nothing cached", async () => {
    const { crew } = rig;
    // 1. The proxy keeps the service's answer for #4 and tells the tablet 503; the retry goes through.
    proxy.mode = 'withhold-once';
    await readCard(rig, OTHER);
    await crew.cardShows('data-outcome="ok"');
    expect(proxy.held).toBeDefined();
    await crew.post('/tablet/handover', { tap: await crew.tap(), confirm: 'yes' });
    await crew.cardShows('カードなし');

    // 2. #1's card: the proxy answers with #4's held answer (sealed to this tablet, never opened).
    proxy.mode = 'swap';
    await readCard(rig, VICTIM);
    const card = await crew.cardShows('data-outcome="answer-mismatch"');
    expect(proxy.swapped).toBe(1);
    const summary = await crew.panel('summary');
    expect(summary).not.toContain('data-summary');
    for (const name of allergyNames(OTHER)) {
      expect(card).not.toContain(name);
      expect(summary).not.toContain(name);
    }
    const metrics = await (await fetch(`${rig.ambulance.url}/metrics`)).text();
    expect(metrics).toMatch(/ems_records_answers_refused_total\{[^}]*reason="request-id"[^}]*\} 1/);

    // 3. Nothing was cached: with the proxy honest again, #1's card is fetched anew and is #1's.
    proxy.mode = 'pass';
    await readCard(rig, VICTIM);
    await crew.cardShows('data-outcome="ok"');
    const fresh = await crew.panel('summary');
    expect(fresh).toContain('data-summary');
    expect(fresh).not.toContain('data-from-cache');
    const victims = new Set(allergyNames(VICTIM));
    for (const name of allergyNames(OTHER).filter((n) => !victims.has(n))) expect(fresh).not.toContain(name);
  }, 60_000);
});
