import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../src/core/index.js';
import { signStatement, verifyStatement, type DirectorySource } from '../../src/crypto/index.js';
import { closedStatus } from '../../src/roles/hospital/index.js';
import type { BrokerLink } from '../../src/hospital-feed/index.js';
import { silentLogger } from '../../src/log/index.js';
import { Metrics } from '../../src/metrics/index.js';
import { mountDispatch } from '../../src/roles/dispatch/index.js';
import { HospitalInquiries, StatusPublisher } from '../../src/roles/hospital/index.js';
import { mountHospitalDispatch } from '../../src/roles/hospital/index.js';
import type { RoleContext } from '../../src/roles/runtime.js';
import { directoryOf, fixedIdentity, type Member } from '../crypto/support.js';
import { openHarness, type Harness } from '../gateway/harness.js';
import type { HospitalConfig, DispatchConfig } from '../../src/config/index.js';
import { configFor } from '../gateway/harness.js';
import { EventEmitter } from 'node:events';
import type { Receiver, EnvelopeCodec } from '../../src/hospital-feed/index.js';
import { join } from 'node:path';
import { ALERTS_FILE, AlertDesk, SqliteAlertStore } from '../../src/roles/triage/index.js';

const dispatchKey = fixedIdentity('dispatch-test', 50);
const hospitalKey = fixedIdentity('hospital-test', 60);
const members: Member[] = [
  { identity: dispatchKey, role: 'dispatch' },
  { identity: hospitalKey, role: 'hospital' },
];
const directory = { current: directoryOf(members) } as unknown as DirectorySource;

/** A broker link that records what is published; nothing leaves the process. */
class RecordingLink extends EventEmitter {
  readonly published: { topic: string; payload: Uint8Array; retain: boolean }[] = [];
  readonly isUp = true;
  readonly receiveMaximum = undefined;
  publish(topic: string, payload: Uint8Array, retain = false) {
    this.published.push({ topic, payload, retain });
    return Promise.resolve(ok(undefined));
  }
  subscribe() {
    return Promise.resolve(ok(undefined));
  }
  handler: ((topic: string, payload: Uint8Array) => Promise<void>) | undefined;
  onMessage(handler: (topic: string, payload: Uint8Array) => Promise<void>) {
    this.handler = handler;
  }
}

const contextOf = (h: Harness, link: RecordingLink, identity = dispatchKey): RoleContext => ({
  logger: silentLogger,
  metrics: new Metrics({}, false),
  readiness: undefined as never,
  app: h.gateway.app,
  gateway: h.gateway,
  link: link as unknown as BrokerLink,
  crypto: { identity, keys: [identity], directory },
  clock: h.clock,
  onStop: () => undefined,
});

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
  body: new URLSearchParams(fields).toString(),
});

let harness: Harness | undefined;
afterEach(() => harness?.gateway.close());

describe('dispatch screen routes and panels', () => {
  it('enters an incident, ranks with reasons, sends inquiries, shows the board', async () => {
    const extra = {
      sampleRegion: { seed: 3, count: 60 },
      extraSites: [
        {
          id: 'hospital-test',
          name: 'Test hospital',
          location: { lat: 35.466, lon: 139.623 },
          level: 'tertiary',
        },
      ],
    };
    harness = await openHarness('dispatch', extra);
    const h = harness;
    const link = new RecordingLink();
    let n = 0;
    await mountDispatch(configFor('dispatch', h.dataDir, extra) as DispatchConfig, contextOf(h, link), {
      newCaseId: () => `case-test-${++n}`,
    });
    // The one hospital with a key publishes its signed status; the sample ones are phone-only.
    const status = {
      ...closedStatus('hospital-test', h.clock.now()),
      erOpen: true,
      accepts: { ...closedStatus('x', 0).accepts, stroke: true },
      beds: { free: 5, icuFree: 1 },
      equipment: { ct: true, mri: true, cathLab: false },
    };
    await link.handler?.(
      'ems/v1/hospital/hospital-test/status',
      signStatement(hospitalKey, 'hospital-status', JSON.stringify(status)),
    );
    const { cookie, csrf } = h.session('dispatcher');
    const hospitals = await h.request('/panels/hospitals', { headers: { cookie } });
    const hospitalsText = await hospitals.text();
    expect(hospitalsText).toMatch(/data-freshness="(fresh|stale|expired)"/);

    const entered = await h.request('/dispatch/incident', {
      ...form({
        _csrf: csrf,
        place: 'yokohama',
        lat: '',
        lon: '',
        category: 'stroke',
        acuity: 'serious',
        ageBand: '75-89',
        sex: 'female',
      }),
      headers: { ...form({}).headers, cookie },
    });
    expect(entered.status).toBe(303);
    const panel = await (await h.request('/panels/incident?lang=en', { headers: { cookie } })).text();
    expect(panel).toContain('case-test-1');
    expect(panel).toMatch(/data-reason="travel"/);
    expect(panel).toMatch(/data-reason="load"/);
    expect(panel).toMatch(/data-reachable="true"/);
    const ids = [...panel.matchAll(/name="to_([a-z0-9-]+)" value="on" checked/g)].map((m) => m[1] as string);
    expect(ids).toEqual(['hospital-test']);
    const phoneOnly = /name="to_(h-\d+)"/.exec(panel)?.[1] as string;

    const sent = await h.request('/dispatch/inquiries', {
      ...form({
        _csrf: csrf,
        caseId: 'case-test-1',
        'to_hospital-test': 'on',
        [`to_${phoneOnly}`]: 'on',
      }),
      headers: { ...form({}).headers, cookie },
    });
    expect(sent.status).toBe(303);
    // Only the hospital with a key is reached over the feed; the phone-only one is marked not sent.
    expect(link.published.map((p) => p.topic)).toEqual(['ems/v1/hospital/hospital-test/in']);
    const board = await (await h.request('/panels/inquiries', { headers: { cookie } })).text();
    expect(board).toContain('data-case="case-test-1"');
    expect(board.match(/data-phase="pending"/g)).toHaveLength(2);
    expect(board.match(/data-not-sent/g)).toHaveLength(1);
    const kpis = await (await h.request('/panels/kpis', { headers: { cookie } })).text();
    expect(kpis).toContain('data-kpi="perCase"');
  });

  it('refuses a bad incident without echoing it, and other roles and anonymous callers', async () => {
    harness = await openHarness('dispatch', { sampleRegion: { count: 10 } });
    const h = harness;
    await mountDispatch(
      configFor('dispatch', h.dataDir, { sampleRegion: { count: 10 } }) as DispatchConfig,
      contextOf(h, new RecordingLink()),
    );
    const { cookie, csrf } = h.session('dispatcher');
    const bad = await h.request('/dispatch/incident', {
      ...form({
        _csrf: csrf,
        category: 'MARKER-山田太郎',
        acuity: 'serious',
        ageBand: '75-89',
        sex: 'female',
      }),
      headers: { ...form({}).headers, cookie },
    });
    expect(bad.status).toBe(303);
    // The form is kept for this browser (issue 15) and shown again with its errors; no code in the URL.
    expect(bad.headers.get('location')).toBe('/');
    expect(await bad.text()).not.toContain('MARKER');
    const admin = h.session('admin');
    const forbidden = await h.request('/dispatch/incident', {
      ...form({ _csrf: admin.csrf }),
      headers: { ...form({}).headers, cookie: admin.cookie },
    });
    expect(forbidden.status).toBe(403);
    expect((await h.request('/dispatch/cases/cancel', form({ caseId: 'case-x' }))).status).toBe(401);
  });
});

/** Issue 15, Dispatch: the incident form and the case panel as a dispatcher uses them. */
describe('dispatch incident form (issue 15)', () => {
  const extra = {
    sampleRegion: { seed: 3, count: 30 },
    extraSites: [
      {
        id: 'hospital-test',
        name: 'Test hospital',
        location: { lat: 35.466, lon: 139.623 },
        level: 'tertiary',
      },
    ],
  };
  const start = async (): Promise<{
    h: Harness;
    post: (path: string, f: Record<string, string>) => Promise<Response>;
    panel: (id: string) => Promise<string>;
  }> => {
    harness = await openHarness('dispatch', extra);
    const h = harness;
    let n = 0;
    const link = new RecordingLink();
    await mountDispatch(configFor('dispatch', h.dataDir, extra) as DispatchConfig, contextOf(h, link), {
      newCaseId: () => `case-test-${++n}`,
    });
    const status = {
      ...closedStatus('hospital-test', h.clock.now()),
      erOpen: true,
      accepts: { ...closedStatus('x', 0).accepts, stroke: true, trauma: true },
      beds: { free: 5, icuFree: 1 },
      equipment: { ct: true, mri: true, cathLab: false },
    };
    await link.handler?.(
      'ems/v1/hospital/hospital-test/status',
      signStatement(hospitalKey, 'hospital-status', JSON.stringify(status)),
    );
    const { cookie, csrf } = h.session('dispatcher');
    return {
      h,
      // As the browser posts them: each form names itself (`_form`), so a refusal comes back to it.
      post: (path, f) =>
        h.request(path, {
          ...form({ _csrf: csrf, _form: path === '/dispatch/incident' ? 'incident' : 'send', ...f }),
          headers: { ...form({}).headers, cookie },
        }),
      panel: async (id) => (await h.request(`/panels/${id}?lang=en`, { headers: { cookie } })).text(),
    };
  };
  const incident = {
    place: 'yokohama',
    lat: '',
    lon: '',
    category: 'stroke',
    acuity: 'serious',
    ageBand: '75-89',
    sex: 'female',
  };
  const selected = (html: string, name: string): string | undefined =>
    new RegExp(`<select[^>]*name="${name}"[^>]*>[\\s\\S]*?<option value="([^"]*)" selected`).exec(html)?.[1];

  it('pressing 搬送先候補 again re-ranks the case on screen: no accidental second case in the KPIs', async () => {
    const { post, panel } = await start();
    expect((await post('/dispatch/incident', incident)).status).toBe(303);
    const first = await panel('incident');
    expect(first).toContain('name="caseId" value="case-test-1"');
    expect(first).toContain('value="revise"');
    // Press it again (after changing the category): the same case, re-ranked.
    await post('/dispatch/incident', {
      ...incident,
      category: 'trauma',
      caseId: 'case-test-1',
      intent: 'revise',
    });
    await post('/dispatch/incident', {
      ...incident,
      category: 'trauma',
      caseId: 'case-test-1',
      intent: 'revise',
    });
    const again = await panel('incident');
    expect(again).toContain('case-test-1');
    expect(again).not.toContain('case-test-2');
    expect(selected(again, 'category')).toBe('trauma');
    expect(await panel('kpis')).toMatch(/data-kpi="cases">1 /);
    // Once a hospital was asked, the form offers only a new case; that is case 2.
    await post('/dispatch/inquiries', { caseId: 'case-test-1', 'to_hospital-test': 'on' });
    const asked = await panel('incident');
    expect(asked).not.toContain('value="revise"');
    await post('/dispatch/incident', { ...incident, caseId: 'case-test-1', intent: 'revise' });
    expect(await panel('incident')).toContain('case-test-2');
  });

  it('keeps the place after submit (a pick-list place, or typed coordinates)', async () => {
    const { post, panel } = await start();
    await post('/dispatch/incident', incident);
    expect(selected(await panel('incident'), 'place')).toBe('yokohama');
    await post('/dispatch/incident', { ...incident, place: '', lat: '35.5', lon: '139.6', intent: 'new' });
    const typed = await panel('incident');
    expect(selected(typed, 'place')).toBe('');
    expect(typed).toMatch(/name="lat"[^>]*value="35.5"|value="35.5"[^>]*name="lat"/);
    expect(typed).toMatch(/name="lon"[^>]*value="139.6"|value="139.6"[^>]*name="lon"/);
  });

  it('an empty place and coordinates, or a latitude out of range, names the field and keeps every input', async () => {
    const { post, panel } = await start();
    const empty = await post('/dispatch/incident', {
      ...incident,
      place: '',
      category: 'trauma',
      ageBand: '0-5',
    });
    expect(empty.headers.get('location')).toBe('/');
    const html = await panel('incident');
    expect(html).toContain('data-error-summary');
    expect(html).toMatch(/data-field="lat"[\s\S]*?data-error="required"/);
    expect(html).toMatch(/data-field="lon"[\s\S]*?data-error="required"/);
    expect(selected(html, 'category')).toBe('trauma');
    expect(selected(html, 'ageBand')).toBe('0-5');
    expect(selected(html, 'place')).toBe('');
    expect(html).not.toContain('case-test-1');
    await post('/dispatch/incident', { ...incident, place: '', lat: '95', lon: '139.6' });
    const range = await panel('incident');
    expect(range).toMatch(/data-field="lat"[\s\S]*?data-error="out-of-range"/);
    expect(range).toMatch(/value="95"/);
  });

  it('the timeline and the unit show names, never principal ids', async () => {
    const { post, panel } = await start();
    await post('/dispatch/incident', incident);
    await post('/dispatch/inquiries', { caseId: 'case-test-1', 'to_hospital-test': 'on' });
    const html = await panel('incident');
    const timeline =
      /<ol[^>]*>([\s\S]*?)<\/ol>/.exec(html.slice(html.indexOf('data-case-timeline')))?.[1] ?? '';
    expect(timeline).toContain('Test hospital');
    expect(timeline).not.toContain('hospital-test');
  });

  it('each KPI names its denominator: all cases, or the cases that asked a hospital', async () => {
    const { post, panel } = await start();
    await post('/dispatch/incident', incident);
    await post('/dispatch/inquiries', { caseId: 'case-test-1', 'to_hospital-test': 'on' });
    await post('/dispatch/incident', { ...incident, intent: 'new' });
    const kpis = await panel('kpis');
    expect(kpis).toMatch(/data-kpi="cases">2 \(Cases with inquiries <span data-kpi="casesWithInquiries">1</);
    expect(kpis).toMatch(/data-kpi="hardToPlace">0 \/ 1 \(0 %\)/);
    expect(kpis).toMatch(/data-kpi="escalated">0 \/ 2 \(0 %\)/);
    expect(kpis).toMatch(/data-kpi="unplaced">1 \/ 1 \(100 %\)/);
    expect(kpis).toContain('of cases with inquiries');
  });
});

describe('hospital status and inquiry panels', () => {
  it('saves an edited status, signs it and publishes it retained on the hospital’s status topic', async () => {
    harness = await openHarness('hospital');
    const h = harness;
    const link = new RecordingLink();
    const receiver = new EventEmitter() as unknown as Receiver;
    const { status } = await mountHospitalDispatch(
      configFor('hospital', h.dataDir, { id: 'hospital-test' }) as HospitalConfig,
      contextOf(h, link, hospitalKey),
      receiver,
      {} as EnvelopeCodec,
      new AlertDesk({
        clock: h.clock,
        timers: { setTimeout: () => undefined, clearTimeout: () => undefined },
        schedule: { repeatEveryMs: 120_000, escalateAfterMs: 1_200_000 },
        store: SqliteAlertStore.open(join(h.dataDir, ALERTS_FILE)),
      }),
    );
    expect(status).toBeInstanceOf(StatusPublisher);
    expect(link.published).toHaveLength(1);
    const { cookie, csrf } = h.session('triage');
    const saved = await h.request('/hospital/status', {
      ...form({
        _csrf: csrf,
        erOpen: 'on',
        accepts_stroke: 'on',
        bedsFree: '4',
        icuFree: '1',
        loadPercent: '55',
        ct: 'on',
        note: 'CT ok',
      }),
      headers: { ...form({}).headers, cookie },
    });
    expect(saved.status).toBe(303);
    const last = link.published.at(-1);
    expect(last).toMatchObject({ topic: 'ems/v1/hospital/hospital-test/status', retain: true });
    const verified = verifyStatement(last?.payload as Uint8Array, {
      kind: 'hospital-status',
      directory: directory.current,
      now: h.clock.now(),
    });
    expect(verified.ok && JSON.parse(verified.value.payload)).toMatchObject({
      hospitalId: 'hospital-test',
      erOpen: true,
      accepts: { stroke: true, stemi: false },
      beds: { free: 4, icuFree: 1 },
      loadPercent: 55,
      note: 'CT ok',
    });
    const panel = await (await h.request('/panels/status', { headers: { cookie } })).text();
    expect(panel).toContain('value="55"');
    const empty = await (await h.request('/panels/inquiry-requests', { headers: { cookie } })).text();
    expect(empty).toContain('class="empty"');
    const unknown = await h.request('/hospital/inquiries/answer', {
      ...form({ _csrf: csrf, inquiryId: 'case-x-q1', kind: 'accept' }),
      headers: { ...form({}).headers, cookie },
    });
    expect(unknown.status).toBe(404);
    expect(HospitalInquiries).toBeDefined();
  });
  it('beds -1 or load 150 come back on the form naming the field, everything typed kept, nothing published (issue 15)', async () => {
    harness = await openHarness('hospital');
    const h = harness;
    const link = new RecordingLink();
    await mountHospitalDispatch(
      configFor('hospital', h.dataDir, { id: 'hospital-test' }) as HospitalConfig,
      contextOf(h, link, hospitalKey),
      new EventEmitter() as unknown as Receiver,
      {} as EnvelopeCodec,
      new AlertDesk({
        clock: h.clock,
        timers: { setTimeout: () => undefined, clearTimeout: () => undefined },
        schedule: { repeatEveryMs: 120_000, escalateAfterMs: 1_200_000 },
        store: SqliteAlertStore.open(join(h.dataDir, ALERTS_FILE)),
      }),
    );
    const published = link.published.length;
    const { cookie, csrf } = h.session('triage');
    const refused = await h.request('/hospital/status', {
      ...form({
        _csrf: csrf,
        _form: 'status',
        erOpen: 'on',
        accepts_trauma: 'on',
        bedsFree: '-1',
        icuFree: '2',
        loadPercent: '150',
        mri: 'on',
        note: 'MRI 点検中',
      }),
      headers: { ...form({}).headers, cookie },
    });
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe('/');
    expect(link.published).toHaveLength(published);
    const panel = await (await h.request('/panels/status?lang=en', { headers: { cookie } })).text();
    expect(panel).toContain('data-error-summary');
    expect(panel).toMatch(/data-field="bedsFree"[\s\S]*?data-error="(format|out-of-range)"/);
    expect(panel).toMatch(/data-field="loadPercent"[\s\S]*?data-error="out-of-range"/);
    expect(panel).not.toMatch(/data-field="icuFree"[^>]*>[\s\S]{0,200}data-error=/);
    expect(panel).toContain('value="-1"');
    expect(panel).toContain('value="150"');
    expect(panel).toContain('value="MRI 点検中"');
    expect(panel).toMatch(/name="accepts_trauma" value="on" checked/);
    expect(panel).not.toMatch(/name="accepts_stroke" value="on" checked/);
    expect(panel).toMatch(/name="mri" value="on" checked/);
  });

  it('an inquiry past its deadline shows closed on the board at the deadline, even once acknowledged; a late press is refused in the person’s language (issue 15)', async () => {
    harness = await openHarness('hospital');
    const h = harness;
    const link = new RecordingLink();
    const receiver = new EventEmitter();
    // Timers the test fires by hand once the harness clock reaches them.
    const pending: { fn: () => void; at: number }[] = [];
    const timers = {
      setTimeout: (fn: () => void, ms: number) => {
        const t = { fn, at: h.clock.now() + ms };
        pending.push(t);
        return t;
      },
      clearTimeout: (t: unknown) => {
        const i = pending.indexOf(t as (typeof pending)[number]);
        if (i >= 0) pending.splice(i, 1);
      },
    };
    const alerts = new AlertDesk({
      clock: h.clock,
      timers,
      schedule: { repeatEveryMs: 120_000, escalateAfterMs: 1_200_000 },
      store: SqliteAlertStore.open(join(h.dataDir, ALERTS_FILE)),
    });
    await mountHospitalDispatch(
      configFor('hospital', h.dataDir, { id: 'hospital-test' }) as HospitalConfig,
      contextOf(h, link, hospitalKey),
      receiver as unknown as Receiver,
      {} as EnvelopeCodec,
      alerts,
      timers,
    );
    const refreshed: string[] = [];
    h.gateway.live.subscribe((e) => {
      if (e.type === 'panel') refreshed.push(e.id);
    });
    const answerBy = h.clock.now() + 120_000;
    receiver.emit('dispatch', {
      envelope: { from: 'dispatch-test' },
      dispatch: {
        kind: 'inquiry',
        body: {
          inquiryId: 'case-t-q1',
          hospitalId: 'hospital-test',
          caseId: 'case-t',
          ageBand: '65-74',
          sex: 'male',
          category: 'stroke',
          acuity: 'serious',
          etaMinutes: 12,
          sentAt: h.clock.now(),
          answerBy,
        },
      },
    });
    const { cookie, csrf } = h.session('triage');
    const panel = async (lang: 'ja' | 'en'): Promise<string> =>
      (
        await h.request('/panels/inquiry-requests', { headers: { cookie: `${cookie}; ems-lang=${lang}` } })
      ).text();
    expect(await panel('ja')).toMatch(/data-inquiry="case-t-q1"[\s\S]*data-action="accept"/);
    // Someone acknowledged the inquiry's alert: the desk's own timer no longer wakes at the deadline.
    expect(alerts.acknowledge('inquiry:case-t-q1', 'nurse-1').ok).toBe(true);
    refreshed.length = 0;
    h.clock.set(answerBy);
    for (const t of pending.filter((p) => p.at <= h.clock.now())) t.fn();
    expect(refreshed).toContain('inquiry-requests');
    const ja = await panel('ja');
    expect(ja).toContain('data-state="expired"');
    expect(ja).toContain('回答期限を過ぎました（回答できません）');
    expect(ja).not.toContain('data-action="accept"');
    expect(await panel('en')).toContain('The answer deadline has passed (no answer possible)');

    const published = link.published.length;
    for (const lang of ['ja', 'en'] as const) {
      const late = await h.request('/hospital/inquiries/answer', {
        ...form({ _csrf: csrf, inquiryId: 'case-t-q1', kind: 'accept' }),
        headers: { ...form({}).headers, cookie: `${cookie}; ems-lang=${lang}` },
      });
      expect(late.status).toBe(409);
      expect(late.headers.get('content-type')).toContain('text/html');
      const page = await late.text();
      expect(page).toContain(lang === 'ja' ? 'この回答は送信されていません' : 'This answer was not sent');
      expect(page).toContain('data-answer-refused="expired"');
    }
    expect(link.published).toHaveLength(published);
  });
});
