import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportInput } from '../../src/hospital-feed/index.js';
import { sampleReport } from '../support/feed/sample.js';
import { fhirErrors } from '../support/fhir-schema.js';
import { waitFor } from '../support/wait.js';
import { openTriageRig, type TriageRig } from './support.js';

let rig: TriageRig;
beforeAll(async () => {
  rig = await openTriageRig();
  await waitFor(() => rig.unit.link.isUp || undefined, 'unit link up');
});
afterAll(async () => rig?.close());

const send = async (report: ReportInput): Promise<string> => {
  const sent = await rig.unit.feed.submitReport('hosp-demo-a', report);
  if (!sent.ok) throw new Error(sent.error.code);
  const id = sent.value.reportId;
  await waitFor(
    async () => ((await (await rig.http('/panels/incoming')).text()).includes(id) ? true : undefined),
    'on the board',
  );
  return id;
};

const row = async (reportId: string): Promise<string> => {
  const html = await (await rig.http('/panels/incoming')).text();
  const start = html.indexOf(`data-report="amb-demo-01/${reportId}"`);
  return html.slice(start, html.indexOf('</li>', start));
};

describe('the ER sees how each patient was identified (issue 13)', () => {
  it('next to the row and in the detail: a weak four-item match is marked weak; an old report is "not stated"', async () => {
    const weak = await send({
      ...sampleReport(1),
      identity: { method: 'four-items', score: 72, confirmedBy: 'crew-b' },
    });
    const card = await send({ ...sampleReport(2), identity: { method: 'card-pin' } });
    const old = await send(sampleReport(3));

    expect(await row(weak)).toContain('data-assurance="four-items-72"');
    expect(await row(weak)).toContain('data-assurance-strength="weak"');
    expect(await row(weak)).toContain('照合が弱い');
    expect(await row(card)).toContain('data-assurance="card-pin"');
    expect(await row(card)).toContain('data-assurance-strength="strong"');
    expect(await row(old)).toContain('data-assurance="not-stated"');
    expect(await row(old)).not.toContain('card-');

    const page = await (await rig.http(`/triage/reports/amb-demo-01/${weak}?lang=en`)).text();
    const identity = page.slice(page.indexOf('data-identity'));
    expect(identity.indexOf('Four basic items match (score 72)')).toBeGreaterThan(0);
    // Shown with the name line, before the clinical content.
    expect(page.indexOf('data-identity')).toBeLessThan(page.indexOf('data-safety'));

    // Every access at the desk is audited with the report's assurance.
    const entries = rig.role.gateway.audit.latest(20);
    expect(entries.find((e) => e.subject?.id === weak && e.action === 'read')?.assurance).toBe(
      'four-items-72',
    );
  });

  it('the FHIR export carries it on the Patient: method, IdentityAssuranceLevel, score, who confirmed', async () => {
    const reportId = await send({
      ...sampleReport(4),
      identity: { method: 'four-items', score: 95, confirmedBy: 'crew-b' },
    });
    const bundle = (await (await rig.http(`/api/v1/triage/reports/amb-demo-01/${reportId}/fhir`)).json()) as {
      entry: { resource: Record<string, unknown> }[];
    };
    expect(fhirErrors(bundle)).toEqual([]);
    const patient = bundle.entry.find((e) => e.resource['resourceType'] === 'Patient')?.resource;
    expect(patient?.['extension']).toEqual([
      {
        url: 'urn:ems-gateway:fhir:StructureDefinition:identity-assurance',
        extension: [
          { url: 'method', valueCode: 'four-items' },
          {
            url: 'level',
            valueCoding: { system: 'http://hl7.org/fhir/identity-assuranceLevel', code: 'level2' },
          },
          { url: 'matchScore', valueInteger: 95 },
          {
            url: 'attester',
            valueIdentifier: { system: 'urn:ems-gateway:amb-demo-01:user', value: 'crew-b' },
          },
        ],
      },
    ]);
    const exported = rig.role.gateway.audit.latest(5).find((e) => e.subject?.id === reportId);
    expect(exported?.assurance).toBe('four-items-95');
  });
});
