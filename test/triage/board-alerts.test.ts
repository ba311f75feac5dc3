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

const panel = async (): Promise<string> => (await rig.http('/panels/incoming')).text();

const submit = async (n: number, over: Partial<ReturnType<typeof sampleReport>> = {}): Promise<string> => {
  const sent = await rig.unit.feed.submitReport('hosp-demo-a', { ...sampleReport(n), ...over });
  if (!sent.ok) throw new Error(sent.error.code);
  return sent.value.reportId;
};

/** The alert items of the panel: key, kind and signal of each. */
const alertsOf = (html: string): { key: string; kind: string; signal: string }[] =>
  [...html.matchAll(/data-alert-key="([^"]+)" data-alert-kind="([^"]+)" data-alert-signal="([^"]+)"/g)].map(
    (m) => ({ key: m[1] as string, kind: m[2] as string, signal: m[3] as string }),
  );

const ack = (key: string) =>
  rig.http('/triage/alerts/ack', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: rig.csrf, key }).toString(),
  });

describe('board alerts on the hospital role (embedded broker, real codec)', () => {
  it('alerts for a new report and for an update that raises acuity, not for one that lowers it; acknowledged per item', async () => {
    const reportId = await submit(12, { acuity: 3 });
    const newKey = `new-report:amb-demo-01/${reportId}`;
    const raisedKey = `acuity-raised:amb-demo-01/${reportId}`;
    await waitFor(
      async () => alertsOf(await panel()).some((a) => a.key === newKey) || undefined,
      'new alert',
    );
    expect(alertsOf(await panel()).find((a) => a.key === newKey)).toEqual({
      key: newKey,
      kind: 'new-report',
      signal: '0',
    });
    // The crew reads "not yet seen" until a person acknowledges it on the board.
    await waitFor(() => rig.unit.feed.report(reportId)?.state === 'received' || undefined, 'received');

    // Issue 15 (Board): an update or an acuity change raised no alert.
    expect((await rig.unit.feed.update(reportId, { ...sampleReport(12), acuity: 1 })).ok).toBe(true);
    await waitFor(
      async () => alertsOf(await panel()).some((a) => a.key === raisedKey) || undefined,
      'acuity-raised alert',
    );
    expect((await ack(newKey)).status).toBe(303);
    const after = alertsOf(await panel());
    expect(after.map((a) => a.key)).toContain(raisedKey);
    expect(after.map((a) => a.key)).not.toContain(newKey);
    await waitFor(
      () => rig.unit.feed.report(reportId)?.state === 'viewed' || undefined,
      'viewed at the crew',
    );
    expect((await ack(raisedKey)).status).toBe(303);
    expect(alertsOf(await panel()).filter((a) => a.key.includes(reportId))).toEqual([]);
    // A second acknowledgement (another screen) is not an error and records nothing more.
    expect((await ack(raisedKey)).status).toBe(303);

    // Lowering acuity raises nothing.
    expect((await rig.unit.feed.update(reportId, { ...sampleReport(12), acuity: 4 })).ok).toBe(true);
    await waitFor(async () => (await panel()).includes('data-acuity="4"') || undefined, 'update shown');
    expect(alertsOf(await panel()).filter((a) => a.key.includes(reportId))).toEqual([]);

    const audit = rig.role.gateway.audit
      .latest(50)
      .filter((e) => e.subject?.id === reportId)
      .map((e) => `${e.userId} ${e.action} ${e.reason}`)
      .reverse();
    expect(audit).toEqual([
      'triage-user update acknowledged-new-report',
      'triage-user update acknowledged-acuity-raised',
    ]);
  });

  it('an answer ends the report’s alerts in the desk’s name; an unknown alert is 404', async () => {
    const reportId = await submit(13);
    const key = `new-report:amb-demo-01/${reportId}`;
    await waitFor(async () => alertsOf(await panel()).some((a) => a.key === key) || undefined, 'alert');
    const accepted = await rig.http(`/api/v1/triage/reports/amb-demo-01/${reportId}/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'accept' }),
    });
    expect(accepted.status).toBe(200);
    expect(alertsOf(await panel()).some((a) => a.key === key)).toBe(false);
    expect((await ack('new-report:amb-demo-01/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('a crew message nobody has been shown alerts the board until acknowledged (issue 16, item 3)', async () => {
    const reportId = await submit(16);
    const key = `message:amb-demo-01/${reportId}`;
    await waitFor(async () => (await panel()).includes(reportId) || undefined, 'report on the board');
    const sent = await rig.unit.feed.threads.send(reportId, {
      type: 'text',
      text: 'ETA 5 min, SpO2 falling',
    });
    expect(sent.ok).toBe(true);
    await waitFor(
      async () => alertsOf(await panel()).some((a) => a.key === key) || undefined,
      'message alert',
    );
    expect((await ack(key)).status).toBe(303);
    expect(alertsOf(await panel()).some((a) => a.key === key)).toBe(false);
  });

  it('a long-overdue report leaves the live board for the recent list (issue 15: it never left)', async () => {
    const eta = new Date(Date.now() - 2 * 3600_000).toISOString();
    const reportId = await submit(14, { eta });
    const html = await waitFor(async () => {
      const h = await panel();
      return h.includes(reportId) ? h : undefined;
    }, 'report in the panel');
    const recentAt = html.indexOf('data-recent');
    expect(recentAt).toBeGreaterThan(0);
    expect(html.indexOf(`data-report="amb-demo-01/${reportId}"`)).toBeGreaterThan(recentAt);
    expect(html.slice(recentAt)).toContain('到着予定を大幅に超過');
  });

  it('rows keep each fact in its own cell, with the legend mapping JTAS to dispatch’s severity', async () => {
    const reportId = await submit(15, {
      atmist: {
        ...sampleReport(15).atmist,
        sex: 'female',
        age: { value: 65, unit: 'years', estimated: false },
      },
    });
    const html = await waitFor(async () => {
      const h = await panel();
      return h.includes(reportId) ? h : undefined;
    }, 'row');
    const row = new RegExp(`<li class="board-row" data-report="amb-demo-01/${reportId}"[\\s\\S]*?</li>`).exec(
      html,
    )?.[0];
    expect(row).toBeDefined();
    // Issue 15: "デモ救急0165歳" — the unit and the age ran together in one text run.
    const cells = [...(row as string).matchAll(/<span class="cell (c-[a-z]+)">/g)].map((m) => m[1]);
    expect(cells).toEqual(['c-acuity', 'c-eta', 'c-who', 'c-complaint', 'c-assurance', 'c-state', 'c-open']);
    expect(row).toMatch(/<span class="cell c-who">65歳 女性<\/span>/);
    expect(row).toContain('sudden weakness of the right arm');
    for (const w of [
      '1 · 重篤',
      'JTAS 1 蘇生',
      '2 · 重症',
      'JTAS 2 緊急',
      '3 · 中等症',
      '4 · 軽症',
      '5 · 軽症',
    ])
      expect(html).toContain(w);
  });
});
