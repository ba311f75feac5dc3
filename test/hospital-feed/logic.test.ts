import { describe, expect, it } from 'vitest';
import {
  applyIncoming,
  crewState,
  decodeBody,
  encodeBody,
  feedCounters,
  inFlightWindow,
  onHospital,
  onTransport,
  retryDelay,
  transition,
  DEFAULT_RETRY_POLICY,
} from '../../src/hospital-feed/index.js';
import { Metrics } from '../../src/metrics/index.js';
import { sampleReport } from '../support/feed/sample.js';
import { entry, report } from './outbox-store.contract.js';

const ctx = { now: 5_000, policy: DEFAULT_RETRY_POLICY, random: () => 0.5 };
const body = { ...sampleReport(1, 0), reportId: 'report-0001' };

describe('transport state machine', () => {
  it('queued → sent → at-broker → acknowledged', () => {
    const sent = transition(entry(1), { type: 'publish-started' }, ctx);
    expect(sent).toMatchObject({ transport: 'sent', attempts: 1 });
    const atBroker = transition(sent, { type: 'puback' }, ctx);
    expect(atBroker.transport).toBe('at-broker');
    expect(atBroker.nextAttemptAt).toBe(5_000 + DEFAULT_RETRY_POLICY.ackTimeoutMs);
    expect(transition(atBroker, { type: 'acknowledged' }, ctx).transport).toBe('acknowledged');
  });

  it('a failed publish is not sent: queued again with backoff; a late PUBACK changes nothing', () => {
    const failed = transition(
      transition(entry(1), { type: 'publish-started' }, ctx),
      { type: 'publish-failed' },
      ctx,
    );
    expect(failed).toMatchObject({ transport: 'queued', nextAttemptAt: 5_000 + 750 });
    expect(transition(failed, { type: 'puback' }, ctx)).toBe(failed);
  });

  it('expires past its expiry, but an acknowledgement still wins', () => {
    const late = { ...ctx, now: 200_000 };
    const expired = transition(entry(1), { type: 'tick' }, late);
    expect(expired.transport).toBe('expired');
    expect(transition(expired, { type: 'publish-started' }, late)).toBe(expired);
    expect(transition(expired, { type: 'acknowledged' }, late).transport).toBe('acknowledged');
  });
});

describe('retry decisions', () => {
  it('backs off exponentially with jitter, capped', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect(retryDelay(1, p, () => 0)).toBe(500);
    expect(retryDelay(3, p, () => 1)).toBe(4_000);
    expect(retryDelay(30, p, () => 1)).toBe(p.maxDelayMs);
  });

  it('keeps in-flight publishes within the server receive maximum', () => {
    expect(inFlightWindow(20, 64)).toBe(20);
    expect(inFlightWindow(65_535, 32)).toBe(32);
    expect(inFlightWindow(undefined, 64)).toBe(10);
  });
});

describe('crew state', () => {
  it('follows transport, then the hospital axis, and shows expiry', () => {
    let r = report(1);
    expect(crewState(r)).toBe('queued');
    r = onTransport(r, 'message-1', 'at-broker', 1);
    expect(crewState(r)).toBe('at-broker');
    expect(crewState(onTransport(r, 'message-1', 'expired', 2))).toBe('expired');
    r = onTransport(r, 'message-1', 'acknowledged', 3);
    expect(crewState(r)).toBe('received');
    r = onHospital(r, { type: 'ack', stage: 'viewed' }, 4);
    r = onHospital(r, { type: 'answer', sequence: 3, decision: 'decline', reason: 'no-bed' }, 5);
    expect(crewState(r)).toBe('declined');
    // A stale answer (lower sequence) and a late `received` change nothing.
    expect(onHospital(r, { type: 'answer', sequence: 2, decision: 'accept' }, 6)).toBe(r);
    expect(onHospital(r, { type: 'ack', stage: 'received' }, 6)).toBe(r);
    expect(crewState(onHospital(r, { type: 'answer', sequence: 4, decision: 'accept' }, 7))).toBe('accepted');
  });
});

describe('inbox ordering', () => {
  it('shows a report once, applies updates in sequence order, and a cancel is final', () => {
    const first = applyIncoming(undefined, 'amb-demo-01', 2, { kind: 'update', body }, 1);
    expect(first.change).toBe('new');
    expect(applyIncoming(first.next, 'amb-demo-01', 1, { kind: 'report', body }, 2).change).toBe('none');
    const cancelled = applyIncoming(
      first.next,
      'amb-demo-01',
      3,
      { kind: 'cancel', body: { reportId: body.reportId, reason: 'diversion' } },
      3,
    );
    expect(cancelled.change).toBe('cancelled');
    expect(applyIncoming(cancelled.next, 'amb-demo-01', 4, { kind: 'update', body }, 4).change).toBe('none');
  });

  it('a cancel before its report leaves a tombstone that is never shown', () => {
    const tomb = applyIncoming(
      undefined,
      'amb-demo-01',
      2,
      { kind: 'cancel', body: { reportId: body.reportId, reason: 'diversion' } },
      1,
    );
    expect(tomb.change).toBe('none');
    expect(applyIncoming(tomb.next, 'amb-demo-01', 1, { kind: 'report', body }, 2).change).toBe('none');
  });
});

describe('message bodies', () => {
  it('round-trips a report and carries JCS and GCS as entered', () => {
    const bytes = encodeBody({ kind: 'report', body });
    if (!bytes.ok) throw new Error('encode');
    const decoded = decodeBody('report', bytes.value);
    expect(decoded).toEqual({ ok: true, value: { kind: 'report', body } });
  });

  it('reports bad fields by path only, never by value', () => {
    const bad = new TextEncoder().encode(
      JSON.stringify({ ...body, acuity: 9, crew: { ...body.crew, phone: 'call me' } }),
    );
    const decoded = decodeBody('report', bad);
    expect(decoded).toEqual({ ok: false, error: { code: 'invalid-body', paths: ['acuity', 'crew.phone'] } });
    expect(JSON.stringify(decoded)).not.toContain('call me');
    expect(decodeBody('report', new Uint8Array([0xff]))).toMatchObject({ error: { code: 'not-json' } });
    expect(decodeBody('gossip', new Uint8Array())).toMatchObject({ error: { code: 'unknown-kind' } });
  });

  it('a decline needs a reason', () => {
    const r = encodeBody({ kind: 'answer', body: { reportId: body.reportId, decision: 'decline' } as never });
    expect(r.ok).toBe(false);
  });
});

it('counts rejections in Prometheus by reason only', async () => {
  const metrics = new Metrics({}, false);
  const counters = feedCounters(metrics);
  counters.rejected('tampered');
  counters.duplicate();
  const text = await metrics.text();
  expect(text).toContain('ems_feed_rejected_total{reason="tampered"} 1');
  expect(text).toContain('ems_feed_duplicates_total 1');
});
