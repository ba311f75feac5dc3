/**
 * The tablet's summary panel in words (src/roles/tablet/summary-panel.tsx), rendered to HTML for each
 * section status in both languages: "none" / "なし" appear only where the source said none known.
 */
import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/records/index.js';
import { type Allergy, type EmergencySummary, type Section } from '../../src/summary/index.js';
import { SummaryView } from '../../src/roles/tablet/summary-panel.js';
import { sayer } from '../../src/roles/tablet/text.js';
import type { PanelContext } from '../../src/gateway/index.js';

const FETCHED = Date.parse('2026-03-25T01:00:00Z');
const EMPTY: EmergencySummary = parseSummary([]);
const P = { document: '診療情報提供書', organisation: '合成病院', date: '2026-03-01' };
const ALLERGY: Allergy = {
  substance: 'えび',
  category: 'food',
  criticality: 'high',
  reactions: ['蕁麻疹'],
  codes: [],
  provenance: P,
};

/** hono/jsx: a component is a function; its node renders to HTML with toString(). */
type Rendered = { toString(): string | Promise<string> } | null;

const render = async (summary: EmergencySummary, locale: 'ja' | 'en'): Promise<string> => {
  const node = SummaryView({
    summary,
    source: 'upstream',
    fetchedAt: FETCHED,
    ctx: { locale } as PanelContext,
    say: sayer(locale),
  }) as unknown as Rendered;
  return node === null ? '' : await node.toString();
};

/** The allergies block of the rendered panel. */
const allergiesBlock = async (section: Section<Allergy>, locale: 'ja' | 'en'): Promise<string> => {
  const html = await render({ ...EMPTY, allergies: section }, locale);
  const m = /<section class="section" data-section="allergies"[^>]*>(.*?)<\/section>/s.exec(html);
  if (m === null) throw new Error('no allergies section');
  return m[0];
};

const SAYS_NONE = /なし|\bnone\b/i;

describe('the summary panel says "none" only for none-known', () => {
  for (const locale of ['ja', 'en'] as const) {
    it(`${locale}: none-known says none; no-known-food says the food kind`, async () => {
      const none = await allergiesBlock({ status: 'none-known', sources: ['IPS'] }, locale);
      expect(none).toContain('data-status="none-known"');
      expect(none).toMatch(SAYS_NONE);
      const food = await allergiesBlock(
        { status: 'none-known', sources: ['IPS'], noKnown: ['food'] },
        locale,
      );
      expect(food).toContain(sayer(locale)('summary.noKnown.food'));
      expect(food).not.toContain(sayer(locale)('summary.noKnown.any'));
    });

    it(`${locale}: unavailable says not available with the reason, never none`, async () => {
      for (const reason of [
        'not-sent',
        'not-recorded',
        'unreadable',
        'upstream-failed',
        'withheld',
      ] as const) {
        const html = await allergiesBlock({ status: 'unavailable', reason }, locale);
        expect(html).toContain(`data-reason="${reason}"`);
        expect(html).toContain(sayer(locale)('summary.unavailable'));
        expect(html).toContain(sayer(locale)(`summary.reason.${reason}`));
        expect(html).not.toMatch(SAYS_NONE);
      }
    });

    it(`${locale}: partial says how many are unreadable, never none, even with no readable item`, async () => {
      const html = await allergiesBlock(
        { status: 'partial', items: [], unreadable: 2, sources: ['x'] },
        locale,
      );
      expect(html).toContain('data-unreadable="2"');
      expect(html).toContain(sayer(locale)('summary.partial'));
      expect(html).not.toMatch(SAYS_NONE);
    });

    it(`${locale}: available lists the items, never none`, async () => {
      const html = await allergiesBlock({ status: 'available', items: [ALLERGY], sources: ['x'] }, locale);
      expect(html).toContain('えび');
      expect(html).not.toMatch(SAYS_NONE);
    });

    it(`${locale}: a summary of nothing says "none" nowhere, and the flags are not available`, async () => {
      const html = await render(EMPTY, locale);
      expect(html).not.toMatch(SAYS_NONE);
      expect(html).toContain('data-section="flags" data-status="unavailable"');
    });
  }
});
