import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkBinding,
  crewMessage,
  frameAnswer,
  nextStep,
  subjectDigest,
  unframeAnswer,
  type AnswerBinding,
} from '../../src/records/index.js';
import { cardholder } from '../../src/sim/index.js';
import { ipsBundle, medicalRecord } from '../../src/sim/records/index.js';
import { testSealer } from '../support/records-ports.js';
import { SEED, holderWith, requestFor, startHarness, type Harness } from '../support/records-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const secondActive = (first: number): number => {
  for (let i = first + 1; i < 400; i++) if (medicalRecord(SEED, i).status === 'active') return i;
  throw new Error('no second active holder');
};

/** The request id, unit and serial a signed request body carries (what a forger on the path could read). */
const requestFields = (init: RequestInit | undefined): { requestId: string; unit: string } => {
  const envelope = JSON.parse(init?.body as string) as { request: string };
  return JSON.parse(Buffer.from(envelope.request, 'base64url').toString('utf8')) as {
    requestId: string;
    unit: string;
  };
};

const bundleBytes = (index: number): Uint8Array =>
  new TextEncoder().encode(JSON.stringify(ipsBundle(medicalRecord(SEED, index), new Date().toISOString())));

describe('answer binding (issue 12, H1): the records client shows and stores only an answer bound to its request', () => {
  it('a proxy that serves one holder’s answer to another holder’s request: refused, counted, not stored', async () => {
    h = await startHarness();
    const other = holderWith('active');
    const victim = secondActive(other);
    let held: Uint8Array | undefined;
    let mode: 'capture' | 'swap' = 'capture';
    const proxy: typeof fetch = async (input, init) => {
      if (mode === 'swap' && held !== undefined)
        return new Response(held as Uint8Array<ArrayBuffer>, { status: 200 });
      const answer = await fetch(input, init);
      held = new Uint8Array(await answer.arrayBuffer());
      // The tablet is told 503 and retries; the proxy keeps an answer nobody has opened.
      return new Response(JSON.stringify({ outcome: 'unavailable' }), { status: 503 });
    };
    const client = h.client({ fetch: proxy, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    expect((await client.fetchSummary(requestFor(other))).code).toBe('upstream-unavailable');
    mode = 'swap';
    const outcome = await client.fetchSummary(requestFor(victim));
    expect(outcome).toEqual({ code: 'answer-mismatch', attempts: 1 });
    expect(h.refused).toEqual(['request-id']);
    expect(h.store.size).toBe(0);
    expect(nextStep('answer-mismatch')).toBe('call-operator');
    expect(crewMessage('answer-mismatch').en).toContain('nothing is shown');
  });

  it.each([
    ['another card', 'subject'],
    ['another unit', 'unit'],
    ['no binding at all (a raw Bundle, as before)', 'unbound'],
  ] as const)(
    'an answer sealed to this device for the right request but %s → refused as `%s`',
    async (_, reason) => {
      h = await startHarness();
      const device = h.device;
      const index = holderWith('active');
      const forged: typeof fetch = async (_input, init) => {
        const r = requestFields(init);
        const binding: AnswerBinding = {
          v: 1,
          requestId: r.requestId,
          subject: subjectDigest({
            kind: 'jpki-serial',
            serial: cardholder(SEED, reason === 'subject' ? secondActive(index) : index).certificateSerial,
          }),
          unit: reason === 'unit' ? 'amb-other-99' : r.unit,
        };
        const body = reason === 'unbound' ? bundleBytes(index) : frameAnswer(binding, bundleBytes(index));
        const sealed = await testSealer([device]).seal(body, device.keyId);
        return new Response(sealed as Uint8Array<ArrayBuffer>, { status: 200 });
      };
      const outcome = await h.client({ fetch: forged }).fetchSummary(requestFor(index));
      expect(outcome).toEqual({ code: 'answer-mismatch', attempts: 1 });
      expect(h.refused).toEqual([reason]);
      expect(h.store.size).toBe(0);
    },
  );

  it('the honest service binds its answer: ok, stored, nothing refused', async () => {
    h = await startHarness();
    const outcome = await h.client().fetchSummary(requestFor(holderWith('active')));
    expect(outcome.code).toBe('ok');
    expect(h.refused).toEqual([]);
    expect(h.store.size).toBe(1);
  });

  it('the service refuses a request whose unit is not the principal of the key that signed it', async () => {
    h = await startHarness();
    const outcome = await h.client({ unit: 'amb-other-99' }).fetchSummary(requestFor(holderWith('active')));
    expect(outcome).toEqual({ code: 'device-rejected', attempts: 1 });
  });
});

describe('answer framing', () => {
  const binding = fc.record({
    v: fc.constant(1 as const),
    requestId: fc.uuid().map(() => randomUUID()),
    subject: fc
      .string({ minLength: 1, maxLength: 20 })
      .map((s) => subjectDigest({ kind: 'jpki-serial', serial: s })),
    unit: fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}$/),
  });

  it('round-trips any binding and any Bundle bytes', () => {
    fc.assert(
      fc.property(binding, fc.uint8Array({ maxLength: 2048 }), (b, bundle) => {
        const framed = unframeAnswer(frameAnswer(b, bundle));
        expect(framed.ok).toBe(true);
        if (!framed.ok) return;
        expect(framed.value.binding).toEqual(b);
        expect(Buffer.from(framed.value.bundle).equals(Buffer.from(bundle))).toBe(true);
        expect(checkBinding(b, framed.value.binding)).toEqual({ ok: true, value: undefined });
      }),
    );
  });

  it('arbitrary bytes never throw: they are `unbound` or a valid binding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const framed = unframeAnswer(bytes);
        if (!framed.ok) expect(framed.error).toBe('unbound');
      }),
    );
  });

  it('the subject digest separates kinds and identities and ignores serial case', () => {
    const serial = subjectDigest({ kind: 'jpki-serial', serial: '1a2b' });
    expect(serial).toBe(subjectDigest({ kind: 'jpki-serial', serial: '1A2B' }));
    expect(serial).not.toBe(subjectDigest({ kind: 'jpki-serial', serial: '1A2C' }));
    expect(subjectDigest({ kind: 'identifier', system: 'urn:a', value: 'b\u0000c' })).not.toBe(
      subjectDigest({ kind: 'identifier', system: 'urn:a\u0000b', value: 'c' }),
    );
  });
});
