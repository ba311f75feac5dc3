/**
 * The tablet's forms keep the crew's work (issue 15), over the real ambulance role (HTTP, the reader
 * emulator, the records service, the broker and a hospital receiver): an update is pre-filled and
 * bound to the open report's destination; a bad value keeps every input and names its field; a GCS or
 * pupil given in part is an error, never dropped; unsent typing is kept server-side per patient (a
 * reload, a second card); an arrival cannot be recorded before the departure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newFormKey } from '../../src/roles/tablet/index.js';
import { medicalRecord } from '../../src/sim/records/index.js';
import { HOSPITALS, holderWith, SEED, startRig, type Crew, type Rig } from '../support/tablet-rig.js';
import { waitFor } from '../support/wait.js';

const REPORT = {
  ageValue: '68',
  ageUnit: 'years',
  mechanism: '胸痛',
  injuries: '冷汗',
  hr: '104',
  sys: '92',
  dia: '60',
  acuity: '2',
  etaMinutes: '9',
  callSign: 'Rig 01',
  phone: '+81-3-0000-0001',
};

const unescape = (html: string): string =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** A card read, identified visually, consent given, summary shown: the tap on screen. */
const readCard = async (crew: Crew): Promise<string> => {
  await crew.post('/tablet/demo/insert', { holder: String(holderWith('active')) });
  await crew.cardShows('data-phase="card-present"');
  const tap = await crew.tap();
  await crew.post('/tablet/identify', { tap, mode: 'visual' });
  await crew.cardShows('data-phase="identified"');
  await crew.post('/tablet/consent', { tap, basis: 'given' });
  await crew.cardShows('data-outcome="ok"');
  return tap;
};

/** The sex radio the report form has checked (none: undefined). */
const checkedSex = (html: string): string | undefined =>
  /<input type="radio" id="sex-[a-z]+" name="sex" value="([a-z]+)" checked/.exec(html)?.[1];

const reportsOf = (html: string): string[] =>
  [...html.matchAll(/data-report="([0-9a-f-]+)"/g)].map((m) => m[1] as string);

describe('safe forms on the tablet (issue 15)', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 60_000);
  afterAll(async () => rig?.close());

  it('a bad value keeps every input and names the field; nothing is sent and the card panel stays calm', async () => {
    const { crew } = rig;
    const tap = await readCard(crew);
    const answer = await crew.post('/tablet/report', {
      _form: `report:${tap}`,
      tap,
      key: newFormKey(),
      hospital: HOSPITALS[0],
      ...REPORT,
      ageValue: 'abc',
      hr: '-5',
      sys: '400',
      etaMinutes: '-1',
      mechanism: 'あ'.repeat(1001),
    });
    expect(answer.headers.get('location')).toBe('/');
    const panel = unescape(await crew.panel('report'));
    expect(panel).toContain('data-error-summary');
    expect(panel).toContain('value="abc"');
    expect(panel).toContain('value="-5"');
    expect(panel).toContain('value="400"');
    expect(panel).toContain('value="-1"');
    expect(panel).toContain(`${'あ'.repeat(1001)}</textarea>`);
    expect(panel).toContain('心拍数は半角数字で入力してください');
    expect(panel).toContain('収縮期血圧が範囲外です（0–350）');
    expect(panel).toContain('年齢は半角数字で入力してください');
    expect(panel).toContain('受傷機転・主訴 (M)が長すぎます');
    expect(panel).toMatch(/<a href="#hr">/);
    expect(reportsOf(panel)).toEqual([]);
    expect(await crew.panel('card')).not.toContain('data-notice');
  });

  it('a GCS or a pupil given in part is an error at its fields, never dropped silently', async () => {
    const { crew } = rig;
    const tap = await crew.tap();
    await crew.post('/tablet/report', {
      _form: `report:${tap}`,
      tap,
      key: newFormKey(),
      hospital: HOSPITALS[0],
      ...REPORT,
      gcsE: '3',
      pupilL: '3',
    });
    const panel = await crew.panel('report');
    expect(panel).toMatch(/data-field="gcsV"[^>]*>[\s\S]*?data-error="incomplete"/);
    expect(panel).toMatch(/data-field="gcsM"[^>]*>[\s\S]*?data-error="incomplete"/);
    expect(panel).toMatch(/data-field="pupilR"[^>]*>[\s\S]*?data-error="incomplete"/);
    expect(panel).toContain('value="3"');
    expect(reportsOf(panel)).toEqual([]);
    expect(rig.receiver.board()).toEqual([]);
  });

  it('an update is pre-filled and bound to the open report’s destination; another hospital is refused', async () => {
    const { crew } = rig;
    const tap = await crew.tap();
    await crew.post('/tablet/report', { tap, key: newFormKey(), hospital: HOSPITALS[1], ...REPORT });
    const sent = await waitFor(async () => {
      const html = await crew.panel('report');
      return reportsOf(html).length === 1 ? html : undefined;
    }, 'the report on the tablet');
    // The update form carries the destination as a fixed value, not a select that falls back to the first.
    const form = /<form[^>]*action="\/tablet\/report"[\s\S]*?<\/form>/.exec(sent)?.[0] ?? '';
    expect(form).toContain(`<input type="hidden" name="hospital" value="${HOSPITALS[1]}"/>`);
    expect(form).not.toMatch(/<select[^>]*name="hospital"/);
    expect(form).toContain('value="68"');
    expect(form).toContain('胸痛</textarea>');
    expect(form).toContain('冷汗</textarea>');
    // Naming the first hospital while the report is open at the second sends nothing new.
    await crew.post('/tablet/report', {
      tap,
      key: newFormKey(),
      hospital: HOSPITALS[0],
      ...REPORT,
      hr: '120',
    });
    await crew.cardShows('data-notice="divert-needed"');
    expect(reportsOf(await crew.panel('report'))).toHaveLength(1);
    expect(rig.receiver.board()).toEqual([]);
    // Diverting is its own action and needs the second step.
    await crew.post('/tablet/divert', { tap, hospital: HOSPITALS[0] });
    expect(reportsOf(await crew.panel('report'))).toHaveLength(1);
  });

  it('unsent typing is kept per patient: a reload shows it, a second card does not lose it', async () => {
    const { crew } = rig;
    const first = await crew.tap();
    const draft = await crew.post('/forms/draft', {
      _form: `report:${first}`,
      tap: first,
      mechanism: '呼吸苦',
      hr: '130',
    });
    expect(draft.status).toBe(204);
    const page = await fetch(`${crew.url}/`, { headers: { cookie: crew.cookie } });
    const html = await page.text();
    expect(html).toContain('呼吸苦</textarea>');
    expect(html).toContain('value="130"');
    // Another card: a new patient on screen; the first one's typing stays and the screen says so.
    await crew.post('/tablet/demo/insert', { holder: String(holderWith('active')) });
    await crew.cardShows('data-phase="card-present"');
    const second = await crew.tap();
    expect(second).not.toBe(first);
    const card = await crew.panel('card');
    expect(card).toContain('data-banner="other-patient"');
    expect(card).toMatch(new RegExp(`data-patient="${first}"[\\s\\S]*?data-tag="draft"`));
    // A form of the first patient posted now is kept under that patient, not sent for the second.
    await crew.post('/tablet/report', {
      _form: `report:${first}`,
      tap: first,
      key: newFormKey(),
      hospital: HOSPITALS[0],
      ...REPORT,
      mechanism: '呼吸苦',
    });
    await crew.post('/tablet/patient/select', { patient: first });
    expect(await crew.panel('report')).toContain('呼吸苦</textarea>');
  });

  it('the patient’s sex comes from the records, stays on a refused form, and goes in the report and its update', async () => {
    const { crew } = rig;
    const tap = await readCard(crew);
    const recorded = medicalRecord(SEED, holderWith('active')).holder.sex;
    const other = recorded === 'male' ? 'female' : 'male';
    expect(checkedSex(await crew.panel('report'))).toBe(recorded);
    /** The report form of this patient to the first hospital (the one the rig's receiver is). */
    const send = (values: Record<string, string>) =>
      crew.post('/tablet/report', {
        _form: `report:${tap}`,
        tap,
        key: newFormKey(),
        hospital: HOSPITALS[0],
        ...REPORT,
        ...values,
      });
    // The crew corrects it; a bad value elsewhere brings the form back with the correction kept.
    await send({ sex: other, hr: '-5' });
    const refused = await crew.panel('report');
    expect(refused).toContain('data-error-summary');
    expect(checkedSex(refused)).toBe(other);
    expect(reportsOf(refused)).toEqual([]);
    await send({ sex: other });
    const incoming = await waitFor(() => rig.receiver.board()[0], 'the report on the hospital board');
    expect(incoming.body?.atmist.sex).toBe(other);
    // The update starts from what was sent, and sends what the crew chose now.
    const update = await waitFor(async () => {
      const html = await crew.panel('report');
      return reportsOf(html).length === 1 ? html : undefined;
    }, 'the report on the tablet');
    expect(checkedSex(update)).toBe(other);
    await send({ sex: 'unknown' });
    await waitFor(
      () => (rig.receiver.board()[0]?.body?.atmist.sex === 'unknown' ? true : undefined),
      'the update on the hospital board',
    );
  });
});
