import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newFormKey } from '../../src/roles/tablet/index.js';
import { okusuriTechoPayload, type MedicalRecord } from '../../src/sim/records/index.js';
import { ANTICOAGULANT, holderTaking, posted, structuredAppendParts } from '../support/okusuri-qr.js';
import { encodeShiftJis } from '../support/shift-jis.js';
import { HOSPITALS, SEED, startRig, type Rig } from '../support/tablet-rig.js';
import { waitFor } from '../support/wait.js';

const REPORT = {
  ageValue: '80',
  ageUnit: 'years',
  ageEstimated: 'on',
  mechanism: 'collapsed at home',
  injuries: 'none visible',
  hr: '96',
  sys: '110',
  dia: '70',
  acuity: '2',
  etaMinutes: '10',
  callSign: 'Rig 01',
  phone: '+81-3-0000-0001',
};

const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const payloadOf = (record: MedicalRecord): Uint8Array =>
  okusuriTechoPayload(record, { dispensedOn: daysAgo(3) });

interface ScanAnswer {
  readonly state: string;
  readonly read?: number;
  readonly total?: number;
  readonly refused?: string;
}

/** Posts decoded codes as the tablet's script does (JSON, the session's cookies). */
const scan = async (
  rig: Rig,
  body: unknown,
): Promise<{ status: number; answer: ScanAnswer | undefined; text: string }> => {
  const response = await fetch(`${rig.crew.url}/tablet/qr/codes`, {
    method: 'POST',
    headers: { cookie: rig.crew.cookie, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    answer: response.ok ? (JSON.parse(text) as ScanAnswer) : undefined,
    text,
  };
};

const newUnknownPatient = async (rig: Rig): Promise<string> => {
  const before = await rig.crew.panel('card');
  const previous = /data-tap="(tap-[0-9a-f]+)"/.exec(before)?.[1];
  await rig.crew.post('/tablet/patient/new', { ageBand: '80-89', sex: 'unknown' });
  return waitFor(async () => {
    const tap = /data-tap="(tap-[0-9a-f]+)"/.exec(await rig.crew.panel('card'))?.[1];
    return tap !== previous ? tap : undefined;
  }, 'a new unknown patient');
};

const readCard = async (rig: Rig, holder: number): Promise<string> => {
  const { crew } = rig;
  expect((await crew.post('/tablet/demo/insert', { holder: String(holder) })).status).toBe(303);
  await crew.cardShows('data-phase="card-present"');
  const tap = await crew.tap();
  await crew.post('/tablet/identify', { tap, mode: 'visual' });
  await crew.cardShows('data-phase="identified"');
  await crew.post('/tablet/consent', { tap, basis: 'given' });
  await crew.cardShows('data-outcome="ok"');
  return tap;
};

describe('お薬手帳 QR on the tablet (issue 13): collected, previewed, merged only when confirmed, gone at handover', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 60_000);
  afterAll(async () => rig?.close());

  const anticoagulated = holderTaking(SEED, ANTICOAGULANT);

  it('unknown patient: a structured-append set out of order shows "2 of 3", then a preview; merged and reported only after confirmation; erased by the handover', async () => {
    const { crew, receiver } = rig;
    const tap = await newUnknownPatient(rig);
    const [first, second, third] = structuredAppendParts(payloadOf(anticoagulated), 3) as [
      ReturnType<typeof structuredAppendParts>[number],
      ReturnType<typeof structuredAppendParts>[number],
      ReturnType<typeof structuredAppendParts>[number],
    ];
    expect((await scan(rig, { tap, codes: [posted(third)] })).answer).toEqual({
      state: 'collecting',
      read: 1,
      total: 3,
    });
    // The same symbol again (every camera frame decodes it) counts once.
    expect((await scan(rig, { tap, codes: [posted(first), posted(third)] })).answer).toEqual({
      state: 'collecting',
      read: 2,
      total: 3,
    });
    const progress = await crew.panel('qr');
    expect(progress).toMatch(/data-qr-progress="true" data-read="2" data-total="3"/);
    expect(progress).toContain('2 / 3');
    expect(await crew.panel('summary')).not.toContain('data-summary');

    expect((await scan(rig, { tap, codes: [posted(second)] })).answer).toEqual({ state: 'preview' });
    const preview = await crew.panel('qr');
    expect(preview).toContain('data-qr-preview');
    expect(preview).toContain('data-flag="anticoagulant"');
    for (const m of anticoagulated.medications) expect(preview).toContain(m.drug.ja);
    expect(preview).toContain(`data-dispensed="${daysAgo(3)}"`);
    // Previewed is not merged: no summary, and a report sent now carries none of it.
    expect(await crew.panel('summary')).not.toContain('data-summary');

    expect((await crew.post('/tablet/qr/confirm', { tap })).status).toBe(303);
    const summary = await crew.panel('summary');
    expect(summary).toContain('data-summary');
    expect(summary).toMatch(/data-section="medications" data-status="available"/);
    expect(summary).toContain('抗凝固薬');
    expect(summary).toContain(`${daysAgo(3)} · お薬手帳 · ${anticoagulated.medications[0]?.pharmacy ?? ''}`);
    // Sections the お薬手帳 does not speak of stay "not available", never "none known".
    expect(summary).toMatch(/data-section="procedures" data-status="unavailable"/);
    expect(await crew.panel('qr')).toContain('data-qr-confirmed="1"');

    await crew.post('/tablet/report', { tap, key: newFormKey(), hospital: HOSPITALS[0], ...REPORT });
    const incoming = await waitFor(
      () => receiver.board().find((r) => r.body?.summary !== undefined),
      'report',
    );
    const wire = JSON.stringify(incoming.body?.summary);
    expect(wire).toContain('お薬手帳');
    expect(wire).toContain(anticoagulated.medications[0]?.drug.ja);

    const audit = rig.ambulance.gateway.audit.latest(30);
    expect(audit.some((e) => e.action === 'update' && e.subject?.id === tap)).toBe(true);

    expect((await crew.post('/tablet/handover', { tap, confirm: 'yes' })).status).toBe(303);
    // Nothing of it is left: not on any panel, not in the next patient's session.
    const next = await newUnknownPatient(rig);
    expect(next).not.toBe(tap);
    for (const panel of ['qr', 'summary', 'card', 'report'])
      for (const m of anticoagulated.medications) expect(await crew.panel(panel)).not.toContain(m.drug.ja);
    expect(await crew.panel('qr')).not.toContain('data-qr-confirmed');
    await crew.post('/tablet/handover', { tap: next, confirm: 'yes' });
  });

  it('a set with a code missing is refused whole when the crew finishes: a clear message, nothing merged', async () => {
    const { crew } = rig;
    const tap = await newUnknownPatient(rig);
    const parts = structuredAppendParts(payloadOf(anticoagulated), 3);
    await scan(rig, { tap, codes: [posted(parts[0] as never), posted(parts[2] as never)] });
    await crew.post('/tablet/qr/finish', { tap });
    const refused = await crew.panel('qr');
    expect(refused).toContain('data-qr-refused="missing-part"');
    expect(refused).toContain('code 2 of 3 is missing');
    expect(await crew.panel('summary')).not.toContain('data-summary');
    // Scanning again starts from nothing.
    await crew.post('/tablet/qr/discard', { tap });
    expect(await crew.panel('qr')).toContain('data-codes="0"');
    await crew.post('/tablet/patient/discard', { tap, confirm: 'yes' });
  });

  it('wrong encoding, not an お薬手帳, a broken header: refused with the reason; nothing merged', async () => {
    const { crew } = rig;
    const tap = await newUnknownPatient(rig);
    const cases: [Uint8Array, string][] = [
      [new Uint8Array([0x82, 0xff, 0xfe, 0x80, 0x81]), 'wrong-encoding'],
      [new TextEncoder().encode('JAHIS10\r\n1,1,1\r\n'), 'not-okusuri-techo'],
      [new TextEncoder().encode('https://example.org/'), 'fragment-without-sequence'],
    ];
    for (const [bytes, code] of cases) {
      expect((await scan(rig, { tap, codes: [posted({ bytes })] })).answer).toEqual({
        state: 'refused',
        refused: code,
      });
      expect(await crew.panel('qr')).toContain(`data-qr-refused="${code}"`);
      await crew.post('/tablet/qr/discard', { tap });
    }
    // A sequence without its parity, or past its set: a 400 that echoes nothing; nothing changes.
    for (const code of [
      { bytes: 'QUJD', sequence: 2 },
      { bytes: 'QUJD', sequence: 0x32, parity: 0 },
    ]) {
      const bad = await scan(rig, { tap, codes: [code] });
      expect(bad.status).toBe(400);
      expect(bad.text).not.toContain('QUJD');
    }
    expect(await crew.panel('qr')).toContain('data-codes="0"');
    // A form for a patient not on screen is refused (409).
    expect((await scan(rig, { tap: 'tap-00000000', codes: [{ bytes: 'QUJD' }] })).status).toBe(409);
    expect(await crew.panel('summary')).not.toContain('data-summary');
    await crew.post('/tablet/patient/discard', { tap, confirm: 'yes' });
  });

  it('an impossible date and an unknown record type: the preview says what could not be read; merged as partial', async () => {
    const { crew } = rig;
    const tap = await newUnknownPatient(rig);
    const text = [
      'JAHISTC08,1',
      '5,20260230,1',
      '201,1,ワーファリン錠１ｍｇ,2,錠,4,3332001F1016,1',
      `5,${daysAgo(2).replaceAll('-', '')},1`,
      '11,試験薬局,13,4,1234567,,,,1',
      '201,1,アムロジピン錠５ｍｇ,1,錠,4,2171022F1034,1',
      '301,1,１日１回朝食後,28,日分,1,1,,1',
      '999,未知のレコード',
    ].join('\r\n');
    expect(
      (await scan(rig, { tap, codes: [posted({ bytes: encodeShiftJis(text) as Uint8Array })] })).answer,
    ).toEqual({
      state: 'preview',
    });
    const preview = await crew.panel('qr');
    expect(preview).toContain('data-qr-skipped="3"');
    expect(preview).not.toContain('ワーファリン');
    await crew.post('/tablet/qr/confirm', { tap });
    const summary = await crew.panel('summary');
    expect(summary).toMatch(/data-section="medications" data-status="partial"/);
    // The critical flags cannot be complete over a medication that could not be read.
    expect(summary).toMatch(/data-section="flags" data-status="incomplete"/);
    await crew.post('/tablet/patient/discard', { tap, confirm: 'yes' });
  });

  it('card session: the same patient’s お薬手帳 merges beside the records; another patient’s is refused', async () => {
    const { crew } = rig;
    const tap = await readCard(rig, anticoagulated.holder.index);
    const before = await crew.panel('summary');
    expect(before).toContain('data-summary');
    expect(before).not.toContain('お薬手帳');

    const other = holderTaking(SEED, /^A10/);
    expect(other.holder.birthDate).not.toBe(anticoagulated.holder.birthDate);
    expect((await scan(rig, { tap, codes: [posted({ bytes: payloadOf(other) })] })).answer?.state).toBe(
      'preview',
    );
    await crew.post('/tablet/qr/confirm', { tap });
    expect(await crew.panel('qr')).toContain('data-qr-refused="different-patients"');
    expect(await crew.panel('summary')).not.toContain('お薬手帳');
    await crew.post('/tablet/qr/discard', { tap });

    expect(
      (await scan(rig, { tap, codes: [posted({ bytes: payloadOf(anticoagulated) })] })).answer?.state,
    ).toBe('preview');
    await crew.post('/tablet/qr/confirm', { tap });
    const merged = await crew.panel('summary');
    expect(merged).toContain('お薬手帳');
    expect(merged).toContain('抗凝固薬');
    // The records' own sources stay beside it.
    const sources = /data-section="medications"[\s\S]*?data-row="sources">([^<]*)</.exec(merged)?.[1] ?? '';
    expect(sources.split(' / ').length).toBeGreaterThan(1);
    await crew.post('/tablet/handover', { tap, confirm: 'yes' });
  });
});
