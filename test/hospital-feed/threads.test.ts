import { afterEach, describe, expect, it } from 'vitest';
import { feedPair } from '../support/feed/pair.js';
import { sampleReport } from '../support/feed/sample.js';
import { unwrap } from '../support/feed/harness.js';
import { feedCodec, feedKeys } from '../support/feed/keys.js';
import { MemoryReplayStore } from '../../src/crypto/index.js';

type Pair = Awaited<ReturnType<typeof feedPair>>;
let pair: Pair | undefined;
afterEach(() => pair?.close());

const withReport = async (options: Parameters<typeof feedPair>[0] = {}) => {
  pair = await feedPair(options);
  const sent = unwrap(await pair.unit.submitReport('hosp-demo-a', sampleReport(1, pair.clock.now())));
  await pair.pump();
  expect(pair.receiver.board().map((r) => r.reportId)).toEqual([sent.reportId]);
  return { p: pair, reportId: sent.reportId };
};

const states = (entries: readonly { direction: string; state: string }[]) =>
  entries.map((e) => `${e.direction}:${e.state}`);

describe('crew ↔ ER messages (injected clock, real codec and SQLite, links pumped by hand)', () => {
  it('a quick reply from the ER moves sent → delivered → read on the desk, unread → read at the crew', async () => {
    const { p, reportId } = await withReport();
    p.clock.advance(60_000);
    const sent = unwrap(
      await p.receiver.threads.send('amb-demo-01', reportId, { type: 'quick', quick: 'eta-request' }),
    );
    expect(sent.state).toBe('sent');
    expect(states(p.receiver.threads.thread('amb-demo-01', reportId))).toEqual(['out:sent']);
    expect(p.receiver.threads.unread()).toEqual([]);

    await p.pump();
    // The crew's signed `ack received` of the envelope is "delivered".
    expect(states(p.receiver.threads.thread('amb-demo-01', reportId))).toEqual(['out:delivered']);
    expect(p.unit.threads.unread(reportId)).toBe(1);
    const atCrew = p.unit.threads.thread(reportId);
    expect(atCrew.map((e) => e.content)).toEqual([{ type: 'quick', quick: 'eta-request' }]);
    expect(atCrew[0]?.sentAt).toBe(p.clock.now());

    p.clock.advance(5_000);
    expect(unwrap(await p.unit.threads.markRead(reportId))).toBe(1);
    expect(p.unit.threads.unread(reportId)).toBe(0);
    await p.pump();
    expect(states(p.receiver.threads.thread('amb-demo-01', reportId))).toEqual(['out:read']);
    // Marking again sends nothing more.
    const published = p.unitLink.published.length;
    expect(unwrap(await p.unit.threads.markRead(reportId))).toBe(0);
    expect(p.unitLink.published.length).toBe(published);
    expect(p.unit.pending).toBe(0);
  });

  it('a text from the crew is unread on the desk (the board hook) until shown, then read at the crew', async () => {
    const { p, reportId } = await withReport();
    p.clock.advance(30_000);
    const arrivedAt = p.clock.now();
    unwrap(await p.unit.threads.send(reportId, { type: 'text', text: '  SpO2 88 %, 酸素 10 L  ' }));
    expect(states(p.unit.threads.thread(reportId))).toEqual(['out:sent']);
    await p.pump();
    expect(states(p.unit.threads.thread(reportId))).toEqual(['out:delivered']);
    expect(p.receiver.threads.unread()).toEqual([
      { unitId: 'amb-demo-01', reportId, unread: 1, since: arrivedAt },
    ]);
    // What was typed, trimmed by the schema, as the crew wrote it.
    expect(p.receiver.threads.thread('amb-demo-01', reportId)[0]?.content).toEqual({
      type: 'text',
      text: 'SpO2 88 %, 酸素 10 L',
    });
    p.clock.advance(90_000);
    expect(unwrap(await p.receiver.threads.markRead('amb-demo-01', reportId))).toBe(1);
    expect(p.receiver.threads.unread()).toEqual([]);
    await p.pump();
    expect(states(p.unit.threads.thread(reportId))).toEqual(['out:read']);
  });

  it('conversations are listed in the order sent on both sides, each message once despite redelivery', async () => {
    const { p, reportId } = await withReport();
    unwrap(await p.unit.threads.send(reportId, { type: 'text', text: 'one' }));
    p.clock.advance(1_000);
    unwrap(await p.receiver.threads.send('amb-demo-01', reportId, { type: 'quick', quick: 'go-to-resus-2' }));
    p.clock.advance(1_000);
    unwrap(await p.unit.threads.send(reportId, { type: 'quick', quick: 'received' }));
    await p.pump();
    // The same envelopes again (a QoS 1 redelivery): acknowledged again, shown once.
    for (const bytes of [...p.unitLink.payloads]) await p.hospitalLink.deliver(bytes);
    await p.pump();
    const desk = p.receiver.threads.thread('amb-demo-01', reportId);
    const crew = p.unit.threads.thread(reportId);
    const words = (es: typeof desk) =>
      es.map((e) => (e.content.type === 'text' ? e.content.text : e.content.quick));
    expect(words(desk)).toEqual(['one', 'go-to-resus-2', 'received']);
    expect(words(crew)).toEqual(words(desk));
    expect(desk.map((e) => e.direction)).toEqual(['in', 'out', 'in']);
    expect(crew.map((e) => e.direction)).toEqual(['out', 'in', 'out']);
    expect(p.hospitalCounts.duplicates).toBeGreaterThan(0);
  });

  it('refuses an empty or over-long text with a typed error, storing and sending nothing', async () => {
    const { p, reportId } = await withReport();
    const before = p.unitLink.published.length;
    for (const text of ['   ', 'x'.repeat(281)]) {
      const refused = await p.unit.threads.send(reportId, { type: 'text', text });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-body', paths: ['text'] } });
      const refusedAtDesk = await p.receiver.threads.send('amb-demo-01', reportId, { type: 'text', text });
      expect(refusedAtDesk).toMatchObject({ ok: false, error: { code: 'invalid-body' } });
    }
    expect(p.unitLink.published.length).toBe(before);
    expect(p.unit.threads.thread(reportId)).toEqual([]);
    expect(p.receiver.threads.thread('amb-demo-01', reportId)).toEqual([]);
  });

  it('leaves the tablet at handover; neither side can write into a closed conversation', async () => {
    const { p, reportId } = await withReport();
    unwrap(await p.receiver.threads.send('amb-demo-01', reportId, { type: 'text', text: 'CT 室へ直接' }));
    await p.pump();
    expect(p.unit.threads.thread(reportId)).toHaveLength(1);
    unwrap(await p.receiver.handover('amb-demo-01', reportId));
    await p.pump();
    expect(p.unit.report(reportId)?.state).toBe('handed-over');
    expect(p.unit.threads.thread(reportId)).toEqual([]);
    expect(p.store.thread('hosp-demo-a', reportId)).toEqual([]);
    expect(await p.unit.threads.send(reportId, { type: 'quick', quick: 'received' })).toMatchObject({
      ok: false,
      error: { code: 'report-closed' },
    });
    expect(
      await p.receiver.threads.send('amb-demo-01', reportId, { type: 'quick', quick: 'call-us' }),
    ).toMatchObject({ ok: false, error: { code: 'report-closed' } });
  });

  it('a message about a report the unit never sent here is refused and not stored', async () => {
    const { p } = await withReport();
    const other = unwrap(await p.unit.submitReport('hosp-demo-a', sampleReport(2, p.clock.now())));
    // Not pumped: the hospital has never seen report 2.
    unwrap(await p.unit.threads.send(other.reportId, { type: 'text', text: 'early' }));
    const messageEnvelope = p.unitLink.payloads.at(-1) as Uint8Array;
    await p.hospitalLink.deliver(messageEnvelope);
    expect(p.hospitalCounts.rejected['unknown-report']).toBe(1);
    expect(p.receiver.threads.thread('amb-demo-01', other.reportId)).toEqual([]);
  });
});

describe('outcome feedback at the crew (injected clock)', () => {
  it('is shown for the configured period after handover, then deleted', async () => {
    const { p, reportId } = await withReport({ outcomeRetentionMs: 48 * 3600_000 });
    expect(
      await p.receiver.threads.sendOutcome('amb-demo-01', reportId, {
        icd10: 'I63.9',
        disposition: 'admitted',
      }),
    ).toMatchObject({ ok: false, error: { code: 'report-closed' } });
    unwrap(await p.receiver.handover('amb-demo-01', reportId));
    await p.pump();
    p.clock.advance(3 * 3600_000);
    const sent = unwrap(
      await p.receiver.threads.sendOutcome('amb-demo-01', reportId, {
        icd10: 'i63.9',
        diagnosis: '脳梗塞（左中大脳動脈）',
        disposition: 'icu',
        note: 'tPA 施行。良好な搬送でした。',
      }),
    );
    expect(sent.toDispatch).toBe('no-case');
    await p.pump();
    const receivedAt = p.clock.now();
    expect(p.unit.threads.outcomes()).toEqual([
      {
        reportId,
        peer: 'hosp-demo-a',
        outcomeId: sent.outcome.outcomeId,
        icd10: 'I63.9',
        diagnosis: '脳梗塞（左中大脳動脈）',
        disposition: 'icu',
        note: 'tPA 施行。良好な搬送でした。',
        decidedAt: receivedAt,
        receivedAt,
      },
    ]);
    // A correction replaces it (same outcome id).
    p.clock.advance(60_000);
    const corrected = unwrap(
      await p.receiver.threads.sendOutcome('amb-demo-01', reportId, { icd10: 'I61.0', disposition: 'icu' }),
    );
    expect(corrected.outcome.outcomeId).toBe(sent.outcome.outcomeId);
    await p.pump();
    expect(p.unit.threads.outcomes().map((o) => [o.icd10, o.note])).toEqual([['I61.0', undefined]]);

    // The period counts from the receipt of the outcome held (here the correction).
    p.clock.advance(48 * 3600_000 - 1);
    expect(p.unit.threads.outcomes()).toHaveLength(1);
    p.clock.advance(2);
    // Past the period it is never shown, and purging deletes it from the outbox database.
    expect(p.unit.threads.outcomes()).toEqual([]);
    expect(p.store.outcomes()).toHaveLength(1);
    unwrap(p.unit.threads.purge());
    expect(p.store.outcomes()).toEqual([]);
  });

  it('is taken only from the hospital the report went to', async () => {
    const { p, reportId } = await withReport();
    unwrap(await p.receiver.handover('amb-demo-01', reportId));
    await p.pump();
    // Another hospital of the same directory seals an outcome about this report: refused, nothing kept.
    const other = await feedCodec(
      await feedKeys(p.dir),
      'hosp-demo-b',
      { store: new MemoryReplayStore() },
      p.clock,
    );
    const body = new TextEncoder().encode(
      JSON.stringify({
        reportId,
        outcomeId: '00000000-0000-4000-8000-0000000000ff',
        diagnosis: { icd10: 'S06.5' },
        disposition: 'died',
        decidedAt: new Date(p.clock.now()).toISOString(),
      }),
    );
    const forged = await other.codec.seal({
      kind: 'outcome',
      to: 'amb-demo-01',
      body,
      stream: reportId,
      sequence: 99,
      expiresAt: p.clock.now() + 60_000,
    });
    await p.unitLink.deliver(forged.bytes);
    expect(p.unitCounts.rejected['unknown-report']).toBe(1);
    expect(p.unit.threads.outcomes()).toEqual([]);
    other.close();
  });
});
