/**
 * The tablet's panels in words (issue 15), rendered to HTML: report states that tell the truth, a
 * decline loud and in words, the accepted destination and the dispatch case, the broker link down
 * while a report waits, critical facts as banners (not bold words run into a date), stale data with its
 * age in words, age/sex and the consent basis shown again, the acuity legend, no English in Japanese.
 */
import { describe, expect, it } from 'vitest';
import type { PanelContext } from '../../src/gateway/index.js';
import { translator } from '../../src/gateway/index.js';
import type { ReportView } from '../../src/hospital-feed/index.js';
import { phi } from '../../src/log/index.js';
import { parseSummary } from '../../src/records/index.js';
import { type EmergencySummary, type Medication } from '../../src/summary/index.js';
import { CardPanel } from '../../src/roles/tablet/card-panel.js';
import { ReportStatus } from '../../src/roles/tablet/report-status.js';
import { ReportPanel } from '../../src/roles/tablet/report-panel.js';
import { newSession } from '../../src/roles/tablet/state.js';
import { ageInYears, CriticalFacts, PatientFacts } from '../../src/roles/tablet/summary-facts.js';
import { SummaryView } from '../../src/roles/tablet/summary-panel.js';
import { sayer } from '../../src/roles/tablet/text.js';

const NOW = Date.parse('2026-03-25T01:00:00Z');
type Node = { toString(): string | Promise<string> } | null;
const html = async (node: unknown): Promise<string> =>
  (node as Node) === null ? '' : String(await (node as { toString(): string | Promise<string> }).toString());
/** What a person reads: the text without tags or attributes. */
const visible = (h: string): string => h.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const ctx = (locale: 'ja' | 'en'): PanelContext => ({
  locale,
  t: translator(locale),
  now: NOW,
  userId: 'crew-1',
  csrf: 'c',
});

const view = (state: ReportView['state'], extra: Partial<ReportView> = {}): ReportView => ({
  reportId: '11111111-1111-4111-8111-111111111111',
  hospitalId: 'hosp-b',
  state,
  expiresAt: NOW + 3_600_000,
  updatedAt: NOW - 120_000,
  ...extra,
});
const names = (id: string): string => (id === 'hosp-b' ? 'B病院' : id);

const MED = (name: string, flags: Medication['flags'], date: string): Medication => ({
  name,
  japaneseName: name,
  current: true,
  classified: true,
  flags,
  codes: [],
  provenance: { date },
});

const EMPTY = parseSummary([]);
const SUMMARY: EmergencySummary = {
  ...EMPTY,
  patient: phi({ name: undefined, birthDate: '1957-06-01', gender: 'female' }),
  allergies: {
    status: 'available',
    sources: ['IPS'],
    newest: '2025-01-10',
    items: [
      {
        substance: 'ペニシリン',
        category: 'medication',
        criticality: 'high',
        reactions: ['アナフィラキシー'],
        codes: [],
        provenance: {},
      },
    ],
  } as unknown as EmergencySummary['allergies'],
  medications: {
    status: 'available',
    sources: ['e-prescription'],
    newest: '2025-12-12',
    items: [
      MED('クロピドグレル', ['antiplatelet'], '2025-12-12'),
      MED('ワルファリン', ['anticoagulant'], '2025-12-12'),
    ],
  } as unknown as EmergencySummary['medications'],
  criticalFlags: {
    status: 'complete',
    flags: ['anticoagulant', 'antiplatelet'],
    unclassified: 0,
  },
  devices: {
    status: 'available',
    sources: ['IPS'],
    items: [{ name: 'ペースメーカー', provenance: {} }],
  } as unknown as EmergencySummary['devices'],
  advanceDirectives: {
    status: 'available',
    sources: ['IPS'],
    items: [{ text: 'DNAR', provenance: {} }],
  } as unknown as EmergencySummary['advanceDirectives'],
};

describe('the tablet in words (issue 15)', () => {
  it('report states tell the truth: sent is not delivered; the broker link down while a report waits is said', async () => {
    const say = sayer('ja');
    expect(say('state.sent')).not.toBe('送信済み');
    expect(say('state.sent')).toContain('確認待ち');
    expect(say('state.received')).toContain('受信確認');
    const down = await html(
      ReportStatus({
        views: [view('queued')],
        ctx: ctx('ja'),
        say,
        hospitalName: names,
        caseId: undefined,
        linkUp: false,
      }),
    );
    expect(down).toContain('data-banner="link-down"');
    expect(visible(down)).toContain('送信箱に保存');
    const up = await html(
      ReportStatus({
        views: [view('received')],
        ctx: ctx('ja'),
        say,
        hospitalName: names,
        caseId: undefined,
        linkUp: false,
      }),
    );
    expect(up).not.toContain('data-banner="link-down"');
  });

  it('a decline is loud with its reason in words; an acceptance names the hospital; the case is shown', async () => {
    const say = sayer('ja');
    const declined = await html(
      ReportStatus({
        views: [view('declined', { declineReason: 'no-bed', declineNote: '満床です' })],
        ctx: ctx('ja'),
        say,
        hospitalName: names,
        caseId: 'case-7',
        linkUp: true,
      }),
    );
    expect(declined).toMatch(/data-banner="declined" data-tone="critical" role="alert"/);
    expect(visible(declined)).toContain('B病院 は受入不可：満床');
    expect(visible(declined)).not.toContain('no-bed');
    expect(visible(declined)).toContain('満床です');
    const accepted = await html(
      ReportStatus({
        views: [view('accepted')],
        ctx: ctx('ja'),
        say,
        hospitalName: names,
        caseId: 'case-7',
        linkUp: true,
      }),
    );
    expect(accepted).toContain('data-banner="accepted"');
    expect(visible(accepted)).toContain('B病院 が受入可と回答しました');
    expect(accepted).toMatch(/data-row="case">case-7</);
    expect(accepted).toMatch(/data-row="destination">B病院/);
  });

  it('critical facts are banners, one per fact, with the drugs named; not bold words run into a date', async () => {
    const h = await html(
      CriticalFacts({ summary: SUMMARY, fetchedAt: NOW, ctx: ctx('ja'), say: sayer('ja') }),
    );
    expect(h).toContain('data-banner="allergy"');
    expect(visible(h)).toContain('重篤なアレルギー：ペニシリン');
    expect(h).toContain('data-banner="flag-anticoagulant"');
    expect(visible(h)).toMatch(/抗凝固薬を服用中 ワルファリン/);
    expect(h).toContain('data-banner="flag-antiplatelet"');
    expect(h).toContain('data-banner="device"');
    expect(h).toContain('data-banner="directive"');
    const list = await html(
      SummaryView({ summary: SUMMARY, source: 'upstream', fetchedAt: NOW, ctx: ctx('ja'), say: sayer('ja') }),
    );
    expect(visible(list)).not.toMatch(/\d{4}-\d{2}-\d{2}抗/);
  });

  it('stale data carries its age in words and a warning', async () => {
    const old = {
      ...SUMMARY,
      medications: { ...SUMMARY.medications, newest: '2025-12-01' },
    } as EmergencySummary;
    const h = await html(CriticalFacts({ summary: old, fetchedAt: NOW, ctx: ctx('ja'), say: sayer('ja') }));
    expect(h).toContain('data-banner="stale"');
    expect(visible(h)).toContain('薬：最新の記録は3か月前');
    const en = await html(CriticalFacts({ summary: old, fetchedAt: NOW, ctx: ctx('en'), say: sayer('en') }));
    expect(visible(en)).toContain('Medications: newest record 3 months ago');
  });

  it('age and sex from the records, the identity and the consent basis are shown again', async () => {
    expect(ageInYears('1957-06-01', NOW)).toBe(68);
    const h = await html(
      PatientFacts({
        summary: SUMMARY,
        consent: { basis: 'unable-emergency', reason: 'unconscious' },
        identity: '目視確認',
        fetchedAt: NOW - 60_000,
        ctx: ctx('ja'),
        say: sayer('ja'),
      }),
    );
    expect(h).toMatch(/data-row="patient">68歳 · 女性</);
    expect(h).toMatch(/data-row="consent">同意不能（救急の例外） \(意識なし\)</);
  });

  it('the report form has the acuity legend (JTAS and dispatch words) and no English in Japanese', async () => {
    const s = {
      ...newSession('tap-0123456789ab'),
      phase: { kind: 'unidentified' as const },
      origin: 'crew' as const,
    };
    const h = await html(
      ReportPanel({
        s,
        views: [],
        ctx: ctx('ja'),
        say: sayer('ja'),
        hospitals: [{ id: 'hosp-a', name: 'A病院' }],
        contact: { callSign: '救急1', phone: '+81-3-0000-0000' },
        caseId: undefined,
        linkUp: true,
        recordAge: 68,
      }),
    );
    expect(h).toContain('data-acuity-legend');
    for (const w of ['1 · 重篤', '2 · 重症', '3 · 中等症', '4 · 軽症', 'JTAS 1 蘇生'])
      expect(visible(h)).toContain(w);
    expect(h).toContain('value="68"');
    expect(visible(h)).not.toMatch(/\b(tries left|active|Acuity|Send)\b/);
  });

  it('card failures and demo holders are worded in the page language (no "1 tries left", no "#0 · active")', async () => {
    const s = {
      ...newSession('tap-0123456789ab'),
      phase: {
        kind: 'read-failed' as const,
        failure: {
          code: 'pin-wrong' as const,
          next: 'enter-pin-again' as const,
          pinTriesLeft: 2,
          detail: 'x',
        },
      },
      pinTries: 2,
    };
    const h = await html(
      CardPanel({
        s: s as never,
        patients: [s as never],
        ctx: ctx('ja'),
        say: sayer('ja'),
        demo: [{ index: 0, label: '#0', card: { status: 'active', pin: '1234' } }],
        assigned: undefined,
        hasDraft: () => false,
      }),
    );
    expect(visible(h)).toContain('暗証番号が違います（残り2回）');
    expect(visible(h)).not.toMatch(/tries left|· active/);
    expect(visible(h)).toContain('#0 · 有効');
  });
});
