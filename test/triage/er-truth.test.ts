import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIRE_SECTIONS, type ReportInput } from '../../src/hospital-feed/index.js';
import { parseSummary } from '../../src/records/index.js';
import { reportSummary } from '../../src/roles/tablet/index.js';
import { ipsBundle, medicalRecord, type FhirJson } from '../../src/sim/records/index.js';
import { sampleReport } from '../support/feed/sample.js';
import { waitFor } from '../support/wait.js';
import { NONE_WORDS } from '../support/wire-summary-arb.js';
import { openTriageRig, type TriageRig } from './support.js';

/** IPS LOINC code of the allergies section. */
const ALLERGIES = '48765-2';

let rig: TriageRig;
beforeAll(async () => {
  rig = await openTriageRig();
  await waitFor(() => rig.unit.link.isUp || undefined, 'unit link up');
});
afterAll(async () => rig?.close());

const submit = async (report: ReportInput): Promise<string> => {
  const sent = await rig.unit.feed.submitReport('hosp-demo-a', report);
  if (!sent.ok) throw new Error(sent.error.code);
  const id = sent.value.reportId;
  await waitFor(
    async () => ((await (await rig.http('/panels/incoming')).text()).includes(id) ? true : undefined),
    'on the board',
  );
  return id;
};

const detail = async (reportId: string, lang: 'ja' | 'en' = 'ja'): Promise<string> => {
  const page = await rig.http(`/triage/reports/amb-demo-01/${reportId}?lang=${lang}`);
  expect(page.status).toBe(200);
  return page.text();
};

const block = (html: string, key: string): { status: string; html: string } | undefined => {
  const m = new RegExp(`<div data-section="${key}" data-status="([a-z-]+)">(.*?)</div>`, 's').exec(html);
  return m === null ? undefined : { status: m[1] as string, html: m[2] as string };
};

/** A records answer (the reference service's IPS) whose Composition has no allergy section. */
const withoutAllergySection = (): FhirJson => {
  const bundle = ipsBundle(medicalRecord(1, 0), '2026-11-29T09:00:00.000Z');
  const entries = bundle['entry'] as { resource: Record<string, unknown> }[];
  const composition = entries[0]?.resource as { section: { code: { coding: { code: string }[] } }[] };
  composition.section = composition.section.filter((s) => s.code.coding[0]?.code !== ALLERGIES);
  bundle['entry'] = entries.filter((e) => e.resource['resourceType'] !== 'AllergyIntolerance');
  return bundle;
};

describe('issue 12 H2: "not available" never becomes "None recorded" at the ER', () => {
  it('a records answer without the allergy section: the triage detail says not available, over the broker', async () => {
    const parsed = parseSummary([withoutAllergySection()]);
    expect(parsed.allergies.status).toBe('unavailable');
    const summary = reportSummary(parsed, Date.parse('2026-11-29T09:00:00.000Z'));
    expect(summary?.sections.allergies.status).toBe('unavailable');
    const id = await submit({ ...sampleReport(11), summary });
    const ja = block(await detail(id, 'ja'), 'allergies');
    expect(ja?.status).toBe('unavailable');
    expect(ja?.html).toContain('未取得');
    expect(ja?.html).not.toMatch(NONE_WORDS);
    const en = block(await detail(id, 'en'), 'allergies');
    expect(en?.html).toContain('not available');
    expect(en?.html).not.toMatch(NONE_WORDS);
  });

  it('a report sent without any summary: every section and the flags not available', async () => {
    const rest: ReportInput = { ...sampleReport(12) };
    delete (rest as { summary?: unknown }).summary;
    const id = await submit(rest);
    const page = await detail(id, 'en');
    for (const key of [...WIRE_SECTIONS, 'flags']) {
      expect(block(page, key)?.status, key).toBe('unavailable');
      expect(block(page, key)?.html).toContain('not available');
      expect(block(page, key)?.html).not.toMatch(NONE_WORDS);
    }
  });

  it('the desk declines with a note through the form; the crew has the reason and the note', async () => {
    const id = await submit(sampleReport(13));
    const declined = await rig.http(`/triage/reports/amb-demo-01/${id}/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: rig.csrf,
        decision: 'decline',
        reason: 'equipment-unavailable',
        note: ' CT停止中（14時まで） ',
      }).toString(),
    });
    expect(declined.status).toBe(303);
    const view = await waitFor(() => {
      const r = rig.unit.feed.report(id);
      return r?.state === 'declined' ? r : undefined;
    }, 'declined at the crew');
    expect(view).toMatchObject({
      declineReason: 'equipment-unavailable',
      declineNote: 'CT停止中（14時まで）',
    });
    expect(await detail(id)).toContain('CT停止中（14時まで）');
  });
});
