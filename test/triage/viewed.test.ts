import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../support/feed/sample.js';
import { waitFor } from '../support/wait.js';
import { openTriageRig, type TriageRig } from './support.js';

let rig: TriageRig;

beforeAll(async () => {
  rig = await openTriageRig();
  await waitFor(() => rig.unit.link.isUp || undefined, 'unit link up');
});

afterAll(async () => {
  await rig?.close();
});

const rowState = async (reportId: string): Promise<string | undefined> => {
  const html = await (await rig.http('/panels/incoming')).text();
  return new RegExp(`data-report="amb-demo-01/${reportId}"\\s+data-state="(\\w+)"`).exec(html)?.[1];
};

const auditOf = (reportId: string): string[] =>
  rig.role.gateway.audit
    .latest(50)
    .filter((e) => e.subject?.id === reportId)
    .map((e) => e.action)
    .sort();

/** Issue 12 ("Also"): a GET of a report has no side effect but the audit of the read. */
describe('the `viewed` acknowledgement', () => {
  it('is not sent by opening the report (GET); the page posts it (CSRF-checked) once shown', async () => {
    const sent = await rig.unit.feed.submitReport('hosp-demo-a', sampleReport(7));
    if (!sent.ok) throw new Error(sent.error.code);
    const { reportId } = sent.value;
    await waitFor(async () => (await rowState(reportId)) === 'new' || undefined, 'new on the board');
    await waitFor(
      () => rig.unit.feed.report(reportId)?.state === 'received' || undefined,
      'received at the crew',
    );

    for (let i = 0; i < 2; i += 1) {
      const page = await rig.http(`/triage/reports/amb-demo-01/${reportId}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(`action="/triage/reports/amb-demo-01/${reportId}/viewed"`);
      expect(html).toContain('src="/assets/triage.js"');
    }
    expect(await rowState(reportId)).toBe('new');
    expect(rig.unit.feed.report(reportId)?.state).toBe('received');
    expect(auditOf(reportId)).toEqual(['read', 'read']);

    const post = (csrf: string, headers: Record<string, string> = {}) =>
      rig.http(`/triage/reports/amb-demo-01/${reportId}/viewed`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ _csrf: csrf }).toString(),
      });
    expect((await post('forged')).status).toBe(403);
    expect((await post(rig.csrf, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(await rowState(reportId)).toBe('new');

    expect((await post(rig.csrf)).status).toBe(303);
    await waitFor(
      () => rig.unit.feed.report(reportId)?.state === 'viewed' || undefined,
      'viewed at the crew',
    );
    expect(await rowState(reportId)).toBe('viewed');
    expect(auditOf(reportId)).toEqual(['read', 'read', 'update']);
    // Once viewed, the page no longer offers (or posts) it.
    const html = await (await rig.http(`/triage/reports/amb-demo-01/${reportId}`)).text();
    expect(html).not.toContain('/viewed"');
  });
});
