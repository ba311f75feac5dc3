import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { crewMessage, loadFhirRecords, nextStep, type Transport } from '../../src/records/index.js';
import { cardholder } from '../../src/sim/index.js';
import { ATC_SYSTEM } from '../../src/records/index.js';
import { findHolders, medicalRecord, type Resource } from '../../src/sim/records/index.js';
import { FHIR_POPULATION, startFhirHarness, type FhirHarness } from '../support/fhir-harness.js';
import { deviceKeys, testSigner } from '../support/records-ports.js';
import { SEED, holderWith, requestFor } from '../support/records-harness.js';
import { summaryProblems } from '../support/summary-invariants.js';

let h: FhirHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const { nodeTransport } = await loadFhirRecords();

/** Discovery (CapabilityStatement, SMART configuration) and the token: once, then cached. */
const SETUP = 3;
/** Patient search + one search per resource type the server lists (SEARCH_TYPES: 11). */
const SEARCH_TRIPS = 1 + 11;

const active = (): number => holderWith('active');

/** The first holder of the FHIR population whose record is sent in `shape` and whose card has `status`. */
const holderIn = (shape: 'ips' | 'jp-clins', status: 'active' | 'no-eligibility'): number => {
  for (let i = 0; i < FHIR_POPULATION; i++) {
    const record = medicalRecord(SEED, i);
    if (record.shape === shape && record.status === status) return i;
  }
  throw new Error(`no ${shape} holder with status ${status} in the FHIR population`);
};

describe.each([
  ['with Patient/$summary', true],
  ['by search assembly (no $summary)', false],
] as const)('FHIR kind against medplum’s engine, %s', (_, summary) => {
  it('ok: the holder’s summary, stored; round trips within the goal; the token and CapabilityStatement cached', async () => {
    h = await startFhirHarness({ summary });
    const client = h.client();
    const index = active();
    const outcome = await client.fetchSummary(requestFor(index));
    expect(outcome).toMatchObject({ code: 'ok', source: 'upstream' });
    if (outcome.code !== 'ok') return;
    expect(summaryProblems(outcome.summary)).toEqual([]);
    const record = medicalRecord(SEED, index);
    const meds = outcome.summary.medications;
    expect(meds.status === 'available' ? meds.items.length : -1).toBe(record.medications.length);
    const allergies = outcome.summary.allergies;
    if (record.allergies.length > 0)
      expect(allergies.status === 'available' ? allergies.items.length : -1).toBe(record.allergies.length);
    expect(outcome.attempts).toBe(SETUP + (summary ? 2 : SEARCH_TRIPS));
    expect(h.store.size).toBe(1);
    // A second card: discovery and token are reused, so only the summary's own round trips.
    const second = await client.fetchSummary(requestFor(active() + 1 === index ? index + 2 : index + 1, {}));
    if (second.code === 'ok') expect(second.attempts).toBe(summary ? 2 : SEARCH_TRIPS);
    expect(client.counters.tokens).toBe(1);
    // The card's serial never appears in a URL: the Patient search goes by POST.
    const serial = cardholder(SEED, index).certificateSerial;
    expect(JSON.stringify(h.exchanges)).not.toContain(serial);
    expect(h.exchanges.find((x) => x.path.endsWith('/Patient/_search'))?.method).toBe('POST');
    // A repeat within the TTL comes from the store.
    expect(await client.fetchSummary(requestFor(index))).toMatchObject({
      code: 'ok',
      source: 'store',
      attempts: 0,
    });
  });

  it('a JP-CLINS holder on a YJ-only anticoagulant: the Japanese record, nested sections read, the flag from the YJ code', async () => {
    h = await startFhirHarness({ summary });
    const [index] = findHolders(SEED, FHIR_POPULATION, ['anticoagulant-yj-only']);
    if (index === undefined) throw new Error('no YJ-only anticoagulant holder in the FHIR population');
    const outcome = await h.client().fetchSummary(requestFor(index));
    expect(outcome).toMatchObject({ code: 'ok', source: 'upstream' });
    if (outcome.code !== 'ok') return;
    expect(summaryProblems(outcome.summary)).toEqual([]);
    const record = medicalRecord(SEED, index);
    const meds = outcome.summary.medications;
    expect(meds.status === 'available' ? meds.items.length : -1).toBe(record.medications.length);
    expect(outcome.summary.criticalFlags).toMatchObject({ status: 'complete', unclassified: 0 });
    expect(outcome.summary.criticalFlags.flags).toContain('anticoagulant');
    const conditions = outcome.summary.problems;
    expect(conditions.status === 'available' ? conditions.items.length : -1).toBe(record.conditions.length);
    // What the server sent is the JP-CLINS record: Japanese codes only, no ATC anywhere.
    const served = new TextDecoder().decode((await h.store.get(requestFor(index).session))?.bytes);
    expect(served).toContain('MedicationRequest');
    expect(served).not.toContain(ATC_SYSTEM);
  });

  it('no eligibility for a JP-CLINS holder: its Coverage (listed in no section) still reaches the client', async () => {
    h = await startFhirHarness({ summary });
    const outcome = await h.client().fetchSummary(requestFor(holderIn('jp-clins', 'no-eligibility')));
    expect(outcome).toMatchObject({ code: 'no-eligibility' });
    expect(h.store.size).toBe(0);
  });

  it('consent refused: no request at all', async () => {
    h = await startFhirHarness({ summary });
    const outcome = await h.client().fetchSummary(requestFor(active(), { consent: { basis: 'refused' } }));
    expect(outcome).toEqual({ code: 'consent-refused', attempts: 0 });
    expect(h.exchanges).toEqual([]);
  });

  it('not found: a card the server has no Patient for', async () => {
    h = await startFhirHarness({ summary });
    const outcome = await h
      .client()
      .fetchSummary(requestFor(FHIR_POPULATION + 3, { serial: '1F00000000000001' }));
    expect(outcome).toMatchObject({ code: 'not-found' });
    expect(nextStep(outcome.code)).toBe('continue-by-hand');
  });

  it('no eligibility: the server reports only ended coverage (資格なし); nothing shown or stored', async () => {
    h = await startFhirHarness({ summary });
    const outcome = await h.client().fetchSummary(requestFor(holderWith('no-eligibility')));
    expect(outcome).toMatchObject({ code: 'no-eligibility' });
    expect(h.store.size).toBe(0);
  });

  it('unavailable: an OperationOutcome 503 on every request, retried with jitter (Retry-After a floor)', async () => {
    h = await startFhirHarness({ summary, faults: { errorRate: 1 } });
    const outcome = await h.client().fetchSummary(requestFor(active()));
    expect(outcome).toMatchObject({ code: 'upstream-unavailable', breaker: 'closed' });
    expect(h.delays.length).toBeGreaterThan(0);
    for (const d of h.delays) expect(d).toBeGreaterThanOrEqual(1_000);
    expect(crewMessage('upstream-unavailable').en).toContain('continue by hand');
  });

  it('timeout: the server does not answer in time', async () => {
    h = await startFhirHarness({ summary, faults: { timeoutRate: 1 } });
    const outcome = await h
      .client({ timeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } })
      .fetchSummary(requestFor(active()));
    expect(outcome).toMatchObject({ code: 'timeout' });
  });

  it('the token is renewed once it expires; a wrong or expired client assertion is refused', async () => {
    h = await startFhirHarness({ summary, tokenLifetimeS: 60 });
    const client = h.client();
    expect((await client.fetchSummary(requestFor(active(), { session: 'a' }))).code).toBe('ok');
    h.clock.advance(20_000);
    expect((await client.fetchSummary(requestFor(active(), { session: 'b' }))).code).toBe('ok');
    expect(client.counters.tokens).toBe(1);
    h.clock.advance(15_000); // within the 30 s margin of the 60 s token: renewed before use
    expect((await client.fetchSummary(requestFor(active(), { session: 'c' }))).code).toBe('ok');
    expect(client.counters.tokens).toBe(2);

    // Signed by a key the server does not know for this client (same key id, another key).
    const wrong = await h
      .client({ signer: testSigner(deviceKeys()) })
      .fetchSummary(requestFor(active(), { session: 'd' }));
    expect(wrong).toMatchObject({ code: 'device-rejected' });
    expect(nextStep(wrong.code)).toBe('call-operator');
    // An assertion that expired before it arrived (the device clock ten minutes behind).
    const late = await h
      .client({ clock: new ManualClock(h.clock.now() - 600_000) })
      .fetchSummary(requestFor(active(), { session: 'e' }));
    expect(late).toMatchObject({ code: 'device-rejected' });
    expect(h.exchanges.filter((x) => x.path === '/auth/token' && x.status === 400)).toHaveLength(2);
  });

  it('an OperationOutcome on the Patient search (403 forbidden: scope without Patient) → request rejected', async () => {
    h = await startFhirHarness({ summary });
    const outcome = await h
      .client({ scope: 'system/AllergyIntolerance.read' })
      .fetchSummary(requestFor(active()));
    expect(outcome).toMatchObject({ code: 'request-rejected' });
    expect(h.exchanges.some((x) => x.path.endsWith('/Patient/_search') && x.status === 403)).toBe(true);
  });

  it('H1: a Patient search answered with another holder → refused, counted, nothing stored', async () => {
    h = await startFhirHarness({ summary });
    const other = cardholder(SEED, active() + 1).certificateSerial;
    const real = nodeTransport();
    // A proxy that rewrites the identifier asked for: the server answers honestly, for someone else.
    const swap: Transport = (x) =>
      real(
        x.url.pathname.endsWith('/Patient/_search') && x.body !== undefined
          ? { ...x, body: x.body.replace(/%7C[0-9A-F]+/, `%7C${other}`) }
          : x,
      );
    const outcome = await h.client({ transport: swap }).fetchSummary(requestFor(active()));
    expect(outcome).toMatchObject({ code: 'answer-mismatch' });
    expect(h.refused).toEqual(['subject']);
    expect(h.store.size).toBe(0);
  });

  it('H1: clinical answers about another patient → refused whole, counted, never shown', async () => {
    h = await startFhirHarness({ summary });
    const otherId = h.fhir.patientId(active() + 1) as string;
    const real = nodeTransport();
    // After the Patient search, every further request is rewritten to the other patient.
    const swap: Transport = (x) => {
      const url = new URL(x.url);
      if (url.pathname.endsWith('/$summary'))
        url.pathname = url.pathname.replace(/Patient\/[^/]+/, `Patient/${otherId}`);
      if (url.searchParams.has('patient')) url.searchParams.set('patient', `Patient/${otherId}`);
      return real({ ...x, url });
    };
    const outcome = await h.client({ transport: swap }).fetchSummary(requestFor(active()));
    expect(outcome).toMatchObject({ code: 'answer-mismatch' });
    expect(h.refused).toEqual(['subject']);
    expect(h.store.size).toBe(0);
  });

  it('an unreadable bundle gives unavailable sections, never a crash', async () => {
    h = await startFhirHarness({ summary });
    const real = nodeTransport();
    const garble: Transport = async (x) => {
      const answer = await real(x);
      const clinical = x.url.pathname.endsWith('/$summary') || x.url.pathname.endsWith('/AllergyIntolerance');
      return clinical
        ? { ...answer, body: new TextEncoder().encode('{"resourceType":"Bundle","entry":[{') }
        : answer;
    };
    const outcome = await h.client({ transport: garble }).fetchSummary(requestFor(active()));
    expect(outcome.code).toBe('ok');
    if (outcome.code !== 'ok') return;
    expect(summaryProblems(outcome.summary)).toEqual([]);
    expect(outcome.summary.allergies.status).toBe('unavailable');
    if (summary) expect(h.store.size).toBe(0);
    else expect(outcome.summary.medications.status).toBe('available');
  });
});

describe('FHIR kind: search assembly specifics', () => {
  it('partial: searches the token’s scope does not cover answer 403 OperationOutcomes; those sections are unavailable', async () => {
    h = await startFhirHarness({ summary: false });
    const outcome = await h
      .client({ scope: 'system/Patient.read system/AllergyIntolerance.read system/Coverage.read' })
      .fetchSummary(requestFor(active()));
    expect(outcome.code).toBe('ok');
    if (outcome.code !== 'ok') return;
    expect(summaryProblems(outcome.summary)).toEqual([]);
    expect(outcome.summary.medications.status).toBe('unavailable');
    expect(outcome.summary.allergies.status).not.toBe('unavailable');
    expect(h.exchanges.filter((x) => x.status === 403).length).toBe(11 - 2);
  });

  it('paging: 230 observations are read through `next` links, page by page, all kept', async () => {
    h = await startFhirHarness({ summary: false });
    const index = active();
    const patient = h.fhir.patientId(index) as string;
    const many: Resource[] = Array.from({ length: 230 }, (_, i) => ({
      resourceType: 'Observation',
      id: `obs-many-${i}`,
      status: 'final',
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
          ],
        },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: '4548-4', display: 'HbA1c' }] },
      subject: { reference: `Patient/${patient}` },
      effectiveDateTime: `2025-${String((i % 12) + 1).padStart(2, '0')}-01`,
      valueQuantity: { value: 5 + (i % 30) / 10, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
    }));
    await h.fhir.add(index, many);
    const outcome = await h.client({ pageSize: 50 }).fetchSummary(requestFor(index));
    expect(outcome.code).toBe('ok');
    const pages = h.exchanges.filter((x) => x.path.endsWith('/Observation'));
    const total = 230 + medicalRecord(SEED, index).checkups.length;
    expect(pages).toHaveLength(Math.ceil(total / 50));
    expect(outcome.code === 'ok' ? outcome.summary.results.status : undefined).toBe('available');
    // Every page's resources reached the summary the tablet keeps (the parser shows the newest per test).
    const stored = await h.store.get(requestFor(index).session);
    const kept = JSON.parse(new TextDecoder().decode(stored?.bytes)) as {
      entry: { resource: { id: string } }[];
    };
    expect(kept.entry.filter((e) => e.resource.id.startsWith('obs-many-'))).toHaveLength(230);
  });

  it('a type with more resources than the bound is not shown as if complete', async () => {
    h = await startFhirHarness({ summary: false });
    const index = active();
    const outcome = await h.client({ pageSize: 2, maxPerType: 1 }).fetchSummary(requestFor(index));
    expect(outcome.code).toBe('ok');
    if (outcome.code !== 'ok') return;
    const meds = medicalRecord(SEED, index).medications.length;
    if (meds > 1) expect(outcome.summary.medications.status).toBe('unavailable');
  });
});
