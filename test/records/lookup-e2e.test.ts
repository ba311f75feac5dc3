import { afterEach, describe, expect, it } from 'vitest';
import type { SummaryRequest } from '../../src/records/index.js';
import { cardholder } from '../../src/sim/index.js';
import { registeredHolder } from '../../src/sim/records/index.js';
import { testSigner } from '../support/records-ports.js';
import { POPULATION, SEED, SERVICE_ID, startHarness, type Harness } from '../support/records-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The first holder with a namesake (same name, sex and birth date, another town). */
const NAMESAKE_HOLDER = 2;

const fourItems = (index: number) => {
  const c = cardholder(SEED, index);
  return { kind: 'four-items', nameKana: c.fullNameKana, birthDate: c.birthDate } as const;
};

const candidateRequest = (ref: string, score: number, session = 'lookup-session'): SummaryRequest => ({
  identity: { ref, method: 'four-items', score, confirmedBy: 'crew-0042' },
  consent: { basis: 'unable-emergency', reason: 'unconscious' },
  purpose: 'emergency-care',
  crewMember: 'crew-0042',
  session,
});

describe('card-less lookup: records client → reference records service over real HTTP (issue 13)', () => {
  it('namesakes: two candidates, told apart by town only, none selected; each ref opaque', async () => {
    h = await startHarness();
    const outcome = await h.client().lookup(fourItems(NAMESAKE_HOLDER), 'crew-0042');
    expect(outcome).toMatchObject({ code: 'ok', complete: true, attempts: 1 });
    if (outcome.code !== 'ok') return;
    expect(outcome.candidates).toHaveLength(2);
    for (const c of outcome.candidates) {
      expect(Object.keys(c).sort()).toEqual(['municipality', 'ref', 'score']);
      expect(c.ref).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(c.ref).not.toContain('holder');
    }
    expect(new Set(outcome.candidates.map((c) => c.municipality)).size).toBe(2);
  });

  it('the confirmed candidate’s summary comes through the summary request, bound to the ref; a namesake has no records here', async () => {
    h = await startHarness();
    const client = h.client();
    const holder = registeredHolder(SEED, NAMESAKE_HOLDER);
    const outcome = await client.lookup({ ...fourItems(NAMESAKE_HOLDER), sex: holder.sex }, 'crew-0042');
    if (outcome.code !== 'ok') throw new Error(outcome.code);
    const own = outcome.candidates.find((c) => c.municipality === holder.municipality);
    const other = outcome.candidates.find((c) => c.municipality !== holder.municipality);
    if (own === undefined || other === undefined) throw new Error('both candidates expected');
    const summary = await client.fetchSummary(candidateRequest(own.ref, own.score));
    expect(summary).toMatchObject({ code: 'ok', source: 'upstream' });
    if (summary.code === 'ok') expect(summary.summary.patient.reveal().birthDate).toBe(holder.birthDate);
    expect(await client.fetchSummary(candidateRequest(other.ref, other.score, 's2'))).toMatchObject({
      code: 'not-found',
    });
  });

  it('a ref answered to one unit is nobody for another unit, and an unknown ref is not found', async () => {
    h = await startHarness();
    const outcome = await h.client().lookup(fourItems(0), 'crew-0042');
    if (outcome.code !== 'ok') throw new Error(outcome.code);
    const ref = outcome.candidates[0]?.ref ?? '';
    // The same device key, signing as another unit, is refused outright (no unit speaks for another).
    expect(await h.client({ unit: 'amb-test-02' }).fetchSummary(candidateRequest(ref, 70))).toMatchObject({
      code: 'device-rejected',
    });
    expect(await h.client().fetchSummary(candidateRequest('A'.repeat(22), 70))).toMatchObject({
      code: 'not-found',
    });
  });

  it('by insurer number: the one holder, score 100, with what to check against the patient', async () => {
    h = await startHarness();
    const { insurer } = registeredHolder(SEED, 0);
    const outcome = await h.client().lookup(
      {
        kind: 'insurer-number',
        insurerNumber: insurer.insurerNumber,
        number: insurer.number,
        branch: insurer.branch,
      },
      'crew-0042',
    );
    expect(outcome).toMatchObject({ code: 'ok', candidates: [{ score: 100 }] });
    if (outcome.code === 'ok')
      expect(Object.keys(outcome.candidates[0] ?? {}).sort()).toEqual([
        'age',
        'municipality',
        'ref',
        'score',
        'sex',
      ]);
  });

  it('rate limit per crew member: the next lookup is refused with a typed outcome, another crew member still may', async () => {
    h = await startHarness({}, { lookupLimit: { max: 2, windowMs: 60_000 } });
    const client = h.client();
    expect((await client.lookup(fourItems(0), 'crew-0042')).code).toBe('ok');
    expect((await client.lookup(fourItems(1), 'crew-0042')).code).toBe('ok');
    const refused = await client.lookup(fourItems(3), 'crew-0042');
    expect(refused).toEqual({ code: 'rate-limited', attempts: 1 });
    expect(h.delays).toEqual([]);
    expect((await client.lookup(fourItems(3), 'crew-0043')).code).toBe('ok');
    h.clock.advance(60_001);
    expect((await client.lookup(fourItems(3), 'crew-0042')).code).toBe('ok');
  });

  it('too little to match on is refused before it leaves the client; the service refuses it too', async () => {
    h = await startHarness();
    const client = h.client();
    expect(await client.lookup({ kind: 'four-items', birthDate: '1950-01-01' }, 'crew-0042')).toEqual({
      code: 'too-little',
      attempts: 0,
    });
    expect(
      await client.lookup({ kind: 'four-items', nameKana: 'ヤマダ', birthDate: '1950-02-30' }, 'c-1'),
    ).toEqual({ code: 'invalid', attempts: 0 });
    expect(h.sent.count).toBe(0);
    // Past the client's check (a client that skips it): the service's own check says bad request.
    const device = h.device;
    const bytes = new TextEncoder().encode(
      JSON.stringify({
        v: 1,
        requestId: crypto.randomUUID(),
        issuedAt: new Date(h.clock.now()).toISOString(),
        audience: SERVICE_ID,
        unit: 'amb-test-01',
        crewMember: 'crew-0042',
        purpose: 'emergency-care',
        query: { kind: 'four-items', nameKana: '\u3000', birthDate: '1950-01-01' },
      }),
    );
    const signer = testSigner(device);
    const response = await fetch(`${h.server.url}/records/v1/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        keyId: signer.keyId,
        request: Buffer.from(bytes).toString('base64url'),
        signature: Buffer.from(await signer.sign(bytes)).toString('base64url'),
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ outcome: 'bad-request' });
  });

  it('an answer replayed for another lookup is refused as not bound to it', async () => {
    h = await startHarness();
    let captured: ArrayBuffer | undefined;
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (captured === undefined) {
        captured = await response.arrayBuffer();
        return new Response(captured.slice(0), { status: response.status });
      }
      return new Response(captured.slice(0), { status: 200 });
    };
    const client = h.client({ fetch: recording });
    expect((await client.lookup(fourItems(0), 'crew-0042')).code).toBe('ok');
    expect(await client.lookup(fourItems(1), 'crew-0042')).toMatchObject({ code: 'answer-mismatch' });
    expect(h.refused).toEqual(['request-id']);
  });

  it('the service’s log of each lookup has the keyed hash of the inputs and the count, never the inputs', async () => {
    h = await startHarness();
    const c = cardholder(SEED, NAMESAKE_HOLDER);
    const holder = registeredHolder(SEED, NAMESAKE_HOLDER);
    await h
      .client()
      .lookup(
        { kind: 'four-items', nameKanji: c.fullName, birthDate: c.birthDate, address: holder.address },
        'crew-0042',
      );
    const served = h.logLines.filter((l) => l.includes('lookup served'));
    expect(served).toHaveLength(1);
    const line = JSON.parse(served[0] ?? '{}') as { candidates?: number; inputs?: string };
    expect(line.candidates).toBe(2);
    expect(line.inputs).toMatch(/^[0-9a-f]{64}$/);
    const all = h.logLines.join('\n');
    for (const clear of [
      c.fullName,
      c.fullName.replace('\u3000', ''),
      c.birthDate,
      holder.address,
      holder.municipality,
    ])
      expect(all).not.toContain(clear);
    expect(POPULATION).toBeGreaterThan(NAMESAKE_HOLDER);
  });
});
