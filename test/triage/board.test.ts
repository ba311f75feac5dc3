import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../support/feed/sample.js';
import { fhirErrors, fhirR4Validator } from '../support/fhir-schema.js';
import { waitFor } from '../support/wait.js';
import { openTriageRig, type TriageRig } from './support.js';
import { directSession } from '../support/sessions.js';

let rig: TriageRig;

beforeAll(async () => {
  // Compiled once, before the rig starts: seconds of synchronous work that no test's wait should hold.
  fhirR4Validator();
  rig = await openTriageRig();
  await waitFor(() => rig.unit.link.isUp || undefined, 'unit link up');
});

afterAll(async () => {
  await rig?.close();
});

const panel = async (): Promise<string> => {
  const response = await rig.http('/panels/incoming');
  expect(response.status).toBe(200);
  return response.text();
};

const count = (html: string, needle: string): number => html.split(needle).length - 1;

/** The live list and the recent list of the panel (finished and long-overdue reports move there). */
const lists = (html: string): { live: string; recent: string } => {
  const recentAt = html.indexOf('data-recent');
  return {
    live: html.slice(html.indexOf('data-board'), recentAt < 0 ? undefined : recentAt),
    recent: recentAt < 0 ? '' : html.slice(recentAt),
  };
};

const submit = async (n: number): Promise<string> => {
  const sent = await rig.unit.feed.submitReport('hosp-demo-a', sampleReport(n));
  if (!sent.ok) throw new Error(sent.error.code);
  return sent.value.reportId;
};

const onBoard = (reportId: string): Promise<string> =>
  waitFor(async () => {
    const html = await panel();
    return html.includes(reportId) ? html : undefined;
  }, 'report on the board');

describe('triage board on the hospital role (embedded broker, real envelope codec)', () => {
  it('end to end: a report shows once on the board, triage accepts over HTTP, the crew sees accepted', async () => {
    const reportId = await submit(1);
    const html = await onBoard(reportId);
    expect(count(html, `data-report="amb-demo-01/${reportId}"`)).toBe(1);
    expect(html).toContain('data-state="new"');
    // The list carries no clinical detail: that is on the audited detail page.
    expect(html).not.toContain('penicillin');

    const update = await rig.unit.feed.update(reportId, { ...sampleReport(1), acuity: 1 });
    expect(update.ok).toBe(true);
    const updated = await waitFor(async () => {
      const h = await panel();
      return h.includes('data-acuity="1"') ? h : undefined;
    }, 'update on the board');
    expect(count(updated, `data-report="amb-demo-01/${reportId}"`)).toBe(1);

    const detail = await rig.http(`/triage/reports/amb-demo-01/${reportId}`);
    expect(detail.status).toBe(200);
    const page = await detail.text();
    // Safety first: allergies and flagged medication come before ATMIST.
    expect(page.indexOf('penicillin')).toBeGreaterThan(0);
    expect(page.indexOf('penicillin')).toBeLessThan(page.indexOf('data-atmist'));
    expect(page).toContain('抗凝固薬');
    expect(page).toMatch(/data-jcs="?[^>]*>10</);
    expect(page).toContain('E3V4M6 = 13');
    // The page acknowledges `viewed` by a form post once it is on screen (a GET changes nothing).
    const viewed = await rig.http(`/triage/reports/amb-demo-01/${reportId}/viewed`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: rig.csrf }).toString(),
    });
    expect(viewed.status).toBe(303);
    await waitFor(
      () => rig.unit.feed.report(reportId)?.state === 'viewed' || undefined,
      'viewed at the crew',
    );

    const answered = await rig.http(`/api/v1/triage/reports/amb-demo-01/${reportId}/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'accept' }),
    });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ unitId: 'amb-demo-01', reportId, state: 'accepted' });
    await waitFor(
      () => rig.unit.feed.report(reportId)?.state === 'accepted' || undefined,
      'accepted at the crew',
    );

    const audit = rig.role.gateway.audit.latest(20).filter((e) => e.subject?.id === reportId);
    expect(audit.map((e) => e.action).sort()).toEqual(['read', 'update', 'update']);
    expect(audit.every((e) => e.userId === 'triage-user' && e.purpose === 'emergency-exception')).toBe(true);
  });

  it('declines with a reason through the screen form (CSRF token), and the crew sees the reason', async () => {
    const reportId = await submit(2);
    await onBoard(reportId);
    const form = (fields: Record<string, string>) =>
      rig.http(`/triage/reports/amb-demo-01/${reportId}/answer`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    expect((await form({ _csrf: 'wrong', decision: 'decline', reason: 'no-bed' })).status).toBe(403);
    const missing = await form({ _csrf: rig.csrf, decision: 'decline' });
    expect(missing.status).toBe(400);
    const declined = await form({ _csrf: rig.csrf, decision: 'decline', reason: 'no-bed' });
    expect(declined.status).toBe(303);
    expect(declined.headers.get('location')).toBe(`/triage/reports/amb-demo-01/${reportId}`);
    await waitFor(
      () => rig.unit.feed.report(reportId)?.state === 'declined' || undefined,
      'declined at the crew',
    );
    expect(rig.unit.feed.report(reportId)?.declineReason).toBe('no-bed');
  });

  it('marks a cancelled (diverted) report on the board and refuses to answer it', async () => {
    const reportId = await submit(3);
    await onBoard(reportId);
    expect((await rig.unit.feed.cancel(reportId, 'diversion')).ok).toBe(true);
    const html = await waitFor(async () => {
      const h = await panel();
      return h.includes(`data-report="amb-demo-01/${reportId}" data-state="cancelled"`) ? h : undefined;
    }, 'cancel on the board');
    // Off the live board, onto the recent list, marked (issue 15: diverted reports never left).
    expect(lists(html).live).not.toContain(reportId);
    expect(lists(html).recent).toContain(reportId);
    expect(lists(html).recent).toContain('取消（他院へ変更など）');
    const page = await (await rig.http(`/triage/reports/amb-demo-01/${reportId}`)).text();
    expect(page).toContain('data-cancelled');
    const refused = await rig.http(`/api/v1/triage/reports/amb-demo-01/${reportId}/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'accept' }),
    });
    expect(refused.status).toBe(409);
  });

  it('hands over: off the live board onto the recent list, the crew is told', async () => {
    const reportId = await submit(4);
    await onBoard(reportId);
    const done = await rig.http(`/triage/reports/amb-demo-01/${reportId}/handover`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: rig.csrf }).toString(),
    });
    expect(done.status).toBe(303);
    const html = await panel();
    expect(lists(html).live).not.toContain(reportId);
    expect(lists(html).recent).toContain(`data-report="amb-demo-01/${reportId}" data-state="handedOver"`);
    expect(lists(html).recent).toContain('引継ぎ完了');
    await waitFor(
      () => rig.unit.feed.report(reportId)?.state === 'handed-over' || undefined,
      'handed over at the crew',
    );
  });

  it('exports a report as a FHIR R4 Bundle that validates against the official schema (audited)', async () => {
    const reportId = await submit(5);
    await onBoard(reportId);
    const response = await rig.http(`/api/v1/triage/reports/amb-demo-01/${reportId}/fhir`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/fhir+json');
    const bundle = (await response.json()) as {
      type: string;
      entry: { resource: { resourceType: string } }[];
    };
    expect(fhirErrors(bundle)).toEqual([]);
    expect(bundle.type).toBe('collection');
    const types = new Set(bundle.entry.map((e) => e.resource.resourceType));
    for (const t of [
      'Patient',
      'Encounter',
      'Observation',
      'AllergyIntolerance',
      'MedicationStatement',
      'Condition',
    ])
      expect(types).toContain(t);
    const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient')?.resource;
    // No name, birth date or identifier: only how the patient was identified (not stated in this report).
    expect(patient).toEqual({
      resourceType: 'Patient',
      extension: [
        {
          url: 'urn:ems-gateway:fhir:StructureDefinition:identity-assurance',
          extension: [{ url: 'method', valueCode: 'not-stated' }],
        },
      ],
      active: true,
    });
    expect(JSON.stringify(bundle)).toContain('"valueString":"10"');
    const exported = rig.role.gateway.audit.latest(5).find((e) => e.subject?.id === reportId);
    expect(exported?.action).toBe('export');
  });

  it('answers 404 for an unknown report and 403 to an admin (the desk’s data is for triage only)', async () => {
    expect((await rig.http('/triage/reports/amb-demo-01/00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    );
    const admin = directSession(rig.role.gateway, 'admin-user', 'admin');
    const response = await fetch(
      `${rig.role.url.replace(/\/$/, '')}/api/v1/triage/reports/amb-demo-01/00000000-0000-4000-8000-000000000000/fhir`,
      {
        headers: { cookie: admin.cookie },
      },
    );
    expect(response.status).toBe(403);
  });
});
