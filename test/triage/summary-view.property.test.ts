import fc from 'fast-check';
import { jsx } from 'hono/jsx';
import { describe, expect, it } from 'vitest';
import { translator, type Locale } from '../../src/gateway/index.js';
import {
  decodeBody,
  encodeBody,
  WIRE_SECTIONS,
  type BoardReport,
  type ReportBody,
  type Summary,
} from '../../src/hospital-feed/index.js';
import { ReportDetail } from '../../src/roles/triage/detail.js';
import { trustedFlags } from '../../src/roles/triage/summary-view.js';
import { triageText } from '../../src/roles/triage/text.js';
import { sampleReport } from '../support/feed/sample.js';
import { NONE_WORDS, summaryArb } from '../support/wire-summary-arb.js';

const NOW = Date.parse('2026-11-29T10:05:00.000Z');

/** The report detail page as the triage desk gets it, for a body with this summary (or none). */
const render = async (summary: Summary | undefined, locale: Locale): Promise<string> => {
  const body: ReportBody = { ...sampleReport(1, NOW), reportId: 'report-0001' };
  if (summary === undefined) delete (body as { summary?: Summary }).summary;
  else (body as { summary?: Summary }).summary = summary;
  const r: BoardReport = {
    unitId: 'amb-demo-01',
    reportId: 'report-0001',
    status: 'active',
    sequence: 1,
    body,
    viewed: true,
    handedOver: false,
    receivedAt: NOW,
    updatedAt: NOW,
  };
  const element = jsx(ReportDetail, {
    r,
    body,
    csrf: 'x',
    now: NOW,
    locale,
    attachments: [],
    t: translator(locale),
    tt: triageText(locale),
  });
  return String(await element.toString());
};

/** Each section block of the page: key → its status attribute and its HTML. */
const blocks = (html: string): Map<string, { status: string; html: string }> =>
  new Map(
    [...html.matchAll(/<div data-section="([A-Za-z]+)" data-status="([a-z-]+)">(.*?)<\/div>/gs)].map((m) => [
      m[1] as string,
      { status: m[2] as string, html: m[3] as string },
    ]),
  );

const locales = fc.constantFrom<Locale>('ja', 'en');

describe('the ER screen shows every section’s status exactly (property)', () => {
  it('"none" / なし / None recorded only for none-known; each section carries its wire status', async () => {
    await fc.assert(
      fc.asyncProperty(summaryArb, locales, async (summary, locale) => {
        const page = blocks(await render(summary, locale));
        for (const key of WIRE_SECTIONS) {
          const block = page.get(key);
          expect(block, key).toBeDefined();
          if (block === undefined) return;
          const s = summary.sections[key];
          expect(block.status).toBe(s.status);
          if (s.status !== 'none-known') expect(block.html).not.toMatch(NONE_WORDS);
          if (s.status === 'unavailable')
            expect(block.html).toContain(locale === 'ja' ? '未取得' : 'not available');
          if (s.status === 'partial')
            expect(block.html).toContain(
              s.unreadable === undefined
                ? locale === 'ja'
                  ? '不完全な可能性あり'
                  : 'may be incomplete'
                : locale === 'ja'
                  ? `${s.unreadable}件が読み取れず`
                  : `partial: ${s.unreadable} entries unreadable`,
            );
        }
        const flags = page.get('flags');
        expect(flags).toBeDefined();
        const trusted = trustedFlags(summary);
        expect(flags?.status).toBe(trusted.status);
        // "None" for the flags only when every current medication of a whole list was classified.
        if (flags !== undefined && NONE_WORDS.test(flags.html)) {
          expect(trusted.status).toBe('complete');
          expect(summary.criticalFlags.status).toBe('complete');
          expect(['available', 'none-known']).toContain(summary.sections.medications.status);
          expect(summary.sections.medications.items.some((m) => m.current && !m.classified)).toBe(false);
        }
        for (const flag of trusted.flags) expect(flags?.html).toContain(`data-flag="${flag}"`);
      }),
      { numRuns: 300 },
    );
  });

  it('a report without a summary shows every section and the flags as not available, never none', async () => {
    for (const locale of ['ja', 'en'] as const) {
      const page = blocks(await render(undefined, locale));
      for (const key of [...WIRE_SECTIONS, 'flags']) {
        expect(page.get(key)?.status, key).toBe('unavailable');
        expect(page.get(key)?.html).not.toMatch(NONE_WORDS);
        expect(page.get(key)?.html).toContain(locale === 'ja' ? '未取得' : 'not available');
      }
    }
  });

  it('"no known FOOD allergy" is said as such, not as "no known allergy"', async () => {
    const summary = fc.sample(summaryArb, { numRuns: 1, seed: 7 })[0];
    if (summary === undefined) throw new Error('no sample');
    const only = {
      ...summary,
      sections: {
        ...summary.sections,
        allergies: { status: 'none-known' as const, noKnown: ['food' as const], items: [] },
      },
    };
    const en = blocks(await render(only, 'en')).get('allergies')?.html ?? '';
    expect(en).toContain('No known FOOD allergy');
    expect(en).not.toContain('No known allergy');
    const ja = blocks(await render(only, 'ja')).get('allergies')?.html ?? '';
    expect(ja).toContain('既知の【食物】アレルギーはない');
  });

  it('a v1 report (plain lists) renders as not available / may be incomplete, never none', async () => {
    const v1 = {
      allergies: [],
      medications: [{ name: 'warfarin', flags: ['anticoagulant'] }],
      conditions: [],
      procedures: [],
      dataAsOf: '2026-11-01T00:00:00.000Z',
    };
    const bytes = new TextEncoder().encode(
      JSON.stringify({ ...sampleReport(1, NOW), reportId: 'report-0001', summary: v1 }),
    );
    const decoded = decodeBody('report', bytes);
    if (!decoded.ok || decoded.value.kind !== 'report') throw new Error('v1 refused');
    const page = blocks(await render(decoded.value.body.summary, 'en'));
    expect(page.get('allergies')).toMatchObject({ status: 'unavailable' });
    expect(page.get('allergies')?.html).toContain('not available (not sent)');
    expect(page.get('medications')?.html).toContain('may be incomplete');
    expect(page.get('flags')?.html).toContain('incomplete');
    expect(page.get('flags')?.html).toContain('data-flag="anticoagulant"');
    for (const [, b] of page) expect(b.html).not.toMatch(NONE_WORDS);
    // And what the hospital re-encodes (e.g. an export) is v2.
    expect(encodeBody(decoded.value).ok).toBe(true);
  });
});
