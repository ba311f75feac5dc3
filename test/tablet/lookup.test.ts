import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasNamesake, medicalRecord, registeredHolder } from '../../src/sim/records/index.js';
import { SEED, holderWith, startRig, type Rig } from '../support/tablet-rig.js';

/** The first active holder of the rig's population with a namesake (same name and birth date, another town). */
const PAIR = ((): number => {
  for (let i = 0; i < 1000; i++) if (hasNamesake(i) && medicalRecord(SEED, i).status === 'active') return i;
  throw new Error('no namesake pair');
})();
const holder = registeredHolder(SEED, PAIR);

const EMPTY = {
  method: 'four-items',
  nameKana: '',
  nameKanji: '',
  birthDate: '',
  sex: '',
  address: '',
  postcode: '',
};

const fourItems = { ...EMPTY, nameKana: holder.nameKana, birthDate: holder.birthDate };

const count = (html: string, marker: string): number => html.split(marker).length - 1;
const refsOf = (html: string): string[] =>
  [...html.matchAll(/name="ref" value="([A-Za-z0-9_-]+)"/g)].map((m) => m[1] as string);

const newUnknown = async (rig: Rig): Promise<string> => {
  expect((await rig.crew.post('/tablet/patient/new', { ageBand: '40-49', sex: 'unknown' })).status).toBe(303);
  const html = await rig.crew.cardShows('data-phase="unidentified"');
  return /data-tap="(tap-[0-9a-f]+)"/.exec(html)?.[1] ?? '';
};

describe('card-less lookup on the tablet (issue 13): routes, audit, limit', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ lookupLimit: { max: 4, windowSeconds: 600 } });
  }, 60_000);
  afterAll(async () => rig?.close());

  it('too little or impossible input: inline errors at the fields, everything typed kept, nothing looked up', async () => {
    const tap = await newUnknown(rig);
    await rig.crew.post('/tablet/lookup', { tap, ...EMPTY, address: '八王子市', postcode: '12' });
    let html = await rig.crew.cardShows('data-error-summary');
    expect(html).toMatch(/data-field="nameKana"[^]*?data-error="required"/);
    expect(html).toMatch(/data-field="birthDate"[^]*?data-error="required"/);
    expect(html).toMatch(/data-field="postcode"[^]*?data-error="format"/);
    expect(html).toContain('value="八王子市"');
    await rig.crew.post('/tablet/lookup', { tap, ...EMPTY, nameKanji: '山田 太郎', birthDate: '1950-02-30' });
    html = await rig.crew.cardShows('value="山田 太郎"');
    expect(html).toMatch(/data-field="birthDate"[^]*?data-error="format"/);
    expect(html).toContain('value="1950-02-30"');
    await rig.crew.post('/tablet/lookup', { tap, ...EMPTY, nameKanji: '山田 太郎', birthDate: '2999-01-01' });
    html = await rig.crew.cardShows('value="2999-01-01"');
    expect(html).toMatch(/data-field="birthDate"[^]*?data-error="out-of-range"/);
    expect(html).toContain('data-phase="unidentified"');
    expect(count(html, 'data-candidate=')).toBe(0);
    expect(rig.ambulance.gateway.audit.latest(50).filter((e) => e.action === 'search')).toEqual([]);
    await rig.crew.post('/tablet/patient/discard', { tap, confirm: 'yes' });
  });

  it('namesakes: two candidates, none chosen; confirmation needs the second step and an offered ref; then four-items', async () => {
    const tap = await newUnknown(rig);
    await rig.crew.post('/tablet/lookup', { tap, ...fourItems });
    let html = await rig.crew.cardShows('data-lookup="answered"');
    expect(count(html, 'data-candidate=')).toBe(2);
    expect(count(html, 'data-weak="true"')).toBe(2);
    expect(html).toContain('data-phase="unidentified"');
    const refs = refsOf(html);
    expect(refs).toHaveLength(2);
    // The candidates show no name, birth date or address: only what tells them apart.
    const answer = html.slice(
      html.indexOf('class="lookup-answer"'),
      html.indexOf('data-action="lookup-none"'),
    );
    for (const shown of [holder.nameKanji, holder.nameKana, holder.birthDate, holder.address])
      expect(answer).not.toContain(shown);

    // Without the second step's confirm=yes, or with a ref not offered: nothing is confirmed.
    await rig.crew.post('/tablet/lookup/confirm', { tap, ref: refs[0] ?? '' });
    await rig.crew.post('/tablet/lookup/confirm', { tap, ref: 'A'.repeat(22), confirm: 'yes' });
    html = await rig.crew.panel('card');
    expect(html).toContain('data-phase="unidentified"');
    expect(count(html, 'data-candidate=')).toBe(2);

    const own = /data-candidate="(\d)"[^]*?data-row="town"[^>]*>([^<]+)</g;
    const towns = [...html.matchAll(own)].map((m) => m[2]);
    const pick = refs[towns.indexOf(holder.municipality)] ?? '';
    await rig.crew.post('/tablet/lookup/confirm', { tap, ref: pick, confirm: 'yes' });
    await rig.crew.cardShows('data-phase="identified"');
    await rig.crew.post('/tablet/consent', { tap, basis: 'given' });
    await rig.crew.cardShows('data-outcome="ok"');
    expect(await rig.crew.panel('summary')).toContain('data-assurance="four-items-70"');

    // The audit: one search with the keyed hash of the inputs and the count; never the inputs.
    const entries = rig.ambulance.gateway.audit.latest(50);
    const searches = entries.filter((e) => e.action === 'search');
    expect(searches).toHaveLength(1);
    expect(searches[0]).toMatchObject({
      subject: { kind: 'patient-session', id: tap },
      reason: 'lookup-four-items',
      outcome: 'success',
      lookup: { inputs: expect.stringMatching(/^[0-9a-f]{64}$/) as string, candidates: 2 },
    });
    const file = rig.ambulance.gateway.auditFile;
    const bytes = [file, `${file}-wal`]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('utf8'))
      .join('\n');
    for (const clear of [
      holder.nameKana,
      holder.nameKana.replace('\u3000', ''),
      holder.birthDate,
      holder.nameKanji,
    ]) {
      expect(bytes).not.toContain(clear);
      expect(JSON.stringify(entries)).not.toContain(clear);
    }

    // A card tapped now cannot be attached to this patient: two identifications are never merged.
    await rig.crew.post('/tablet/demo/insert', { holder: String(holderWith('active')) });
    html = await rig.crew.cardShows(`data-attach-to="${tap}"`);
    const cardTap = /data-tap="(tap-[0-9a-f]+)"/.exec(html)?.[1] ?? '';
    await rig.crew.post('/tablet/card/attach', { tap: cardTap, patient: tap });
    html = await rig.crew.cardShows('data-notice="identity-conflict"');
    expect(html).toContain(`data-tap="${cardTap}"`);
    expect(html).toContain(`data-patient="${tap}"`);
    await rig.crew.post('/tablet/demo/remove', {});
    await rig.crew.post('/tablet/patient/select', { patient: tap });
    expect(await rig.crew.panel('summary')).toContain('data-assurance="four-items-70"');
    await rig.crew.post('/tablet/handover', { tap, confirm: 'yes' });
  });

  it('"none of these" keeps the patient unknown and the form filled; the limit per crew member then refuses', async () => {
    const tap = await newUnknown(rig);
    await rig.crew.post('/tablet/lookup', { tap, ...fourItems });
    await rig.crew.cardShows('data-lookup="answered"');
    await rig.crew.post('/tablet/lookup/none', { tap });
    let html = await rig.crew.cardShows('data-lookup="editing"');
    expect(html).toContain('data-phase="unidentified"');
    expect(count(html, 'data-candidate=')).toBe(0);
    expect(html).toContain(`value="${holder.birthDate}"`);

    // Two lookups so far in this suite's session, four allowed: two more, then refused.
    await rig.crew.post('/tablet/lookup', { tap, ...fourItems });
    await rig.crew.post('/tablet/lookup', { tap, ...fourItems });
    await rig.crew.cardShows('data-lookup="answered"');
    await rig.crew.post('/tablet/lookup', { tap, ...fourItems });
    html = await rig.crew.cardShows('data-banner="lookup-rate-limited"');
    expect(html).toContain(`value="${holder.birthDate}"`);
    const last = rig.ambulance.gateway.audit.latest(1)[0];
    expect(last).toMatchObject({ action: 'search', outcome: 'failure', lookup: { candidates: 0 } });
    await rig.crew.post('/tablet/patient/discard', { tap, confirm: 'yes' });
  });

  it('a card tapped over an unknown patient can be attached to it: identity and summary then come from the card', async () => {
    const tap = await newUnknown(rig);
    await rig.crew.post('/tablet/demo/insert', { holder: String(holderWith('active')) });
    let html = await rig.crew.cardShows(`data-attach-to="${tap}"`);
    const cardTap = /data-tap="(tap-[0-9a-f]+)"/.exec(html)?.[1] ?? '';
    expect(cardTap).not.toBe(tap);
    await rig.crew.post('/tablet/card/attach', { tap: cardTap, patient: tap });
    html = await rig.crew.cardShows(`data-tap="${tap}"`);
    expect(html).toContain('data-phase="card-present"');
    expect(html).not.toContain(`data-patient="${cardTap}"`);
    await rig.crew.post('/tablet/identify', { tap, mode: 'visual' });
    await rig.crew.cardShows('data-phase="identified"');
    await rig.crew.post('/tablet/consent', { tap, basis: 'given' });
    await rig.crew.cardShows('data-outcome="ok"');
    expect(await rig.crew.panel('summary')).toContain('data-assurance="card-visual"');
    await rig.crew.post('/tablet/handover', { tap, confirm: 'yes' });
  });
});
