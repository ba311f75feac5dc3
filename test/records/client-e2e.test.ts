import { afterEach, describe, expect, it } from 'vitest';
import { crewMessage, nextStep } from '../../src/records/index.js';
import { medicalRecord } from '../../src/sim/records/index.js';
import { deviceKeys, testOpener, testSigner } from '../support/records-ports.js';
import {
  POPULATION,
  SEED,
  TTL_MS,
  holderWith,
  requestFor,
  startHarness,
  type Harness,
} from '../support/records-harness.js';
import { summaryProblems } from '../support/summary-invariants.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('records client → records-sim over real HTTP, every outcome', () => {
  it('ok: a PIN-mode request gives the holder’s summary, sealed to the device and stored under the session', async () => {
    h = await startHarness();
    const index = holderWith('active');
    const outcome = await h.client().fetchSummary(requestFor(index));
    expect(outcome).toMatchObject({ code: 'ok', source: 'upstream', attempts: 1 });
    if (outcome.code !== 'ok') return;
    expect(summaryProblems(outcome.summary)).toEqual([]);
    const record = medicalRecord(SEED, index);
    expect(outcome.summary.insurance).toMatchObject({ status: 'available', items: [{ eligible: true }] });
    const meds = outcome.summary.medications;
    expect(meds.status === 'available' ? meds.items.length : 0).toBe(record.medications.length);
    expect(h.store.size).toBe(1);
    expect(nextStep(outcome.code)).toBe('show');
  });

  it('ok in visual mode; a repeat within the TTL is served from the store and says so; after the TTL it asks again', async () => {
    h = await startHarness();
    const client = h.client();
    const request = requestFor(holderWith('active'), { visual: true });
    const first = await client.fetchSummary(request);
    expect(first).toMatchObject({ code: 'ok', source: 'upstream' });
    h.clock.advance(TTL_MS - 1);
    const repeat = await client.fetchSummary(request);
    expect(repeat).toMatchObject({ code: 'ok', source: 'store', attempts: 0 });
    expect(h.sent.count).toBe(1);
    if (first.code === 'ok' && repeat.code === 'ok') {
      expect(repeat.summary.allergies).toEqual(first.summary.allergies);
      expect(repeat.fetchedAt).toBe(first.fetchedAt);
    }
    h.clock.advance(1);
    expect(await client.fetchSummary(request)).toMatchObject({ code: 'ok', source: 'upstream' });
    expect(h.sent.count).toBe(2);
  });

  it('consent refused: nothing is requested, not even from the store', async () => {
    h = await startHarness();
    const client = h.client();
    await client.fetchSummary(requestFor(holderWith('active'), { session: 's' }));
    const refused = await client.fetchSummary(
      requestFor(holderWith('active'), { session: 's', consent: { basis: 'refused' } }),
    );
    expect(refused).toEqual({ code: 'consent-refused', attempts: 0 });
    expect(h.sent.count).toBe(1);
  });

  it('the emergency exception (unable to consent) is accepted with its reason', async () => {
    h = await startHarness();
    const outcome = await h
      .client()
      .fetchSummary(
        requestFor(holderWith('active'), { consent: { basis: 'unable-emergency', reason: 'unconscious' } }),
      );
    expect(outcome.code).toBe('ok');
  });

  it.each([
    ['no-eligibility', 'no-eligibility', {}],
    ['suspended', 'card-suspended', { detail: 'suspended' }],
    ['revoked', 'card-suspended', { detail: 'revoked' }],
    ['certificate-expired', 'certificate-expired', {}],
  ] as const)('card status %s → %s, final after one attempt, nothing stored', async (status, code, extra) => {
    h = await startHarness();
    const outcome = await h.client().fetchSummary(requestFor(holderWith(status)));
    expect(outcome).toEqual({ code, attempts: 1, ...extra });
    expect(nextStep(outcome.code)).toBe('continue-by-hand');
    expect(h.store.size).toBe(0);
  });

  it('no eligibility reads 資格なし to the crew', () => {
    expect(crewMessage('no-eligibility').ja).toContain('資格なし');
  });

  it('not found: a certificate outside the population', async () => {
    h = await startHarness();
    const outcome = await h.client().fetchSummary(requestFor(POPULATION + 5, { serial: '1F00000000000001' }));
    expect(outcome).toEqual({ code: 'not-found', attempts: 1 });
  });

  it('upstream unavailable: retries with jittered backoff, then the breaker opens and answers at once', async () => {
    h = await startHarness({ errorRate: 1 });
    const client = h.client({ breaker: { failureThreshold: 6, cooldownMs: 30_000 } });
    const first = await client.fetchSummary(requestFor(holderWith('active')));
    expect(first).toEqual({ code: 'upstream-unavailable', attempts: 4, breaker: 'closed' });
    // Retry-After: 1 is a floor under the jitter; three waits between four attempts.
    expect(h.delays).toHaveLength(3);
    for (const d of h.delays) expect(d).toBeGreaterThanOrEqual(1_000);
    const second = await client.fetchSummary(requestFor(holderWith('active'), { session: 'other' }));
    expect(second).toEqual({ code: 'upstream-unavailable', attempts: 2, breaker: 'open' });
    expect(client.breaker).toBe('open');
    const sentBefore = h.sent.count;
    expect(await client.fetchSummary(requestFor(holderWith('active'), { session: 'third' }))).toEqual({
      code: 'upstream-unavailable',
      attempts: 0,
      breaker: 'open',
    });
    expect(h.sent.count).toBe(sentBefore);
    expect(nextStep('upstream-unavailable')).toBe('retry-later');
  });

  it('after the cooldown exactly one probe goes out; a healthy answer closes the breaker', async () => {
    h = await startHarness();
    let linkDown = true;
    let calls = 0;
    const flaky: typeof fetch = (input, init) => {
      calls += 1;
      return linkDown ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);
    };
    const client = h.client({ fetch: flaky, breaker: { failureThreshold: 2, cooldownMs: 30_000 } });
    expect(await client.fetchSummary(requestFor(holderWith('active')))).toEqual({
      code: 'upstream-unavailable',
      attempts: 2,
      breaker: 'open',
    });
    h.clock.advance(29_999);
    expect(await client.fetchSummary(requestFor(holderWith('active')))).toMatchObject({
      attempts: 0,
      breaker: 'open',
    });
    expect(calls).toBe(2);
    h.clock.advance(1);
    linkDown = false;
    expect(await client.fetchSummary(requestFor(holderWith('active')))).toMatchObject({
      code: 'ok',
      attempts: 1,
    });
    expect(calls).toBe(3);
    expect(client.breaker).toBe('closed');
  });

  it('timeout: a service that does not answer in time gives `timeout` after the retries', async () => {
    h = await startHarness({ timeoutRate: 1 });
    const outcome = await h
      .client({ timeoutMs: 100, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } })
      .fetchSummary(requestFor(holderWith('active')));
    expect(outcome).toEqual({ code: 'timeout', attempts: 2 });
  });

  it('latency below the timeout still succeeds', async () => {
    h = await startHarness({ latencyMs: 50 });
    expect((await h.client().fetchSummary(requestFor(holderWith('active')))).code).toBe('ok');
  });

  it('device rejected: a signature from a key the service does not know', async () => {
    h = await startHarness();
    const stranger = deviceKeys('amb-unknown:1');
    const outcome = await h
      .client({ signer: testSigner(stranger) })
      .fetchSummary(requestFor(holderWith('active')));
    expect(outcome).toEqual({ code: 'device-rejected', attempts: 1 });
    expect(nextStep(outcome.code)).toBe('call-operator');
  });

  it('device rejected too: a request signed for another records service (audience) is refused', async () => {
    h = await startHarness();
    const outcome = await h
      .client({ audience: 'records-other' })
      .fetchSummary(requestFor(holderWith('active')));
    expect(outcome).toEqual({ code: 'device-rejected', attempts: 1 });
  });

  it('response unreadable: an answer sealed to another device', async () => {
    h = await startHarness();
    const outcome = await h
      .client({ opener: testOpener(deviceKeys()) })
      .fetchSummary(requestFor(holderWith('active')));
    expect(outcome).toEqual({ code: 'response-unreadable', attempts: 1 });
    expect(h.store.size).toBe(0);
  });

  it('a truncated bundle gives a partial summary with explicit markers, never a crash', async () => {
    h = await startHarness({ truncateRate: 1 });
    const outcome = await h.client().fetchSummary(requestFor(holderWith('active')));
    expect(outcome.code).toBe('ok');
    if (outcome.code !== 'ok') return;
    expect(summaryProblems(outcome.summary)).toEqual([]);
    const s = outcome.summary;
    const marked = [s.allergies, s.medications, s.problems, s.procedures, s.results, s.insurance].filter(
      (x) => x.status === 'unavailable' || x.status === 'partial',
    );
    expect(marked.length).toBeGreaterThan(0);
    // Insurance is listed last: its entries were cut, and the section says how many.
    expect(s.insurance).toMatchObject({ status: 'partial', items: [], unreadable: 1 });
  });

  it('no certificate serial in any URL: the client only ever posts to /records/v1/summary', async () => {
    h = await startHarness();
    const urls: string[] = [];
    const spy: typeof fetch = (input, init) => {
      urls.push(input instanceof URL ? input.href : typeof input === 'string' ? input : input.url);
      return fetch(input, init);
    };
    await h.client({ fetch: spy }).fetchSummary(requestFor(holderWith('active')));
    expect(urls).toEqual([`${h.server.url}/records/v1/summary`]);
  });
});
