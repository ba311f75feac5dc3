import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { topics } from '../../src/hospital-feed/index.js';
import { feedPair } from '../support/feed/pair.js';
import { unwrap } from '../support/feed/harness.js';
import { sampleReport } from '../support/feed/sample.js';
import { walMeter, type WalStep } from '../support/wal-frames.js';

/** Turns of the event loop: the group commit, the hospital's ack batch and the unit's ack write each wait one. */
const settle = async (turns = 5): Promise<void> => {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
};

type Pair = Awaited<ReturnType<typeof feedPair>>;

interface PerReport {
  readonly submit: WalStep;
  readonly inbox: WalStep;
  readonly ack: WalStep;
  readonly hospitalOutbox: WalStep;
}

/**
 * One report end to end, each side's commits metered on their own: the unit's submit (outbox entry,
 * report record, the crew form's key), the hospital's inbox commit (message id and report), the
 * unit's write of the hospital's acknowledgement (entry gone, report `received`).
 */
const oneReport = async (
  pair: Pair,
  i: number,
  meters: ReturnType<typeof meterPair>,
  formKey: boolean,
): Promise<PerReport> => {
  const { unit, unitLink, hospitalLink } = pair;
  const sentBefore = unitLink.payloads.length;
  unwrap(
    await unit.submitReport(
      'hosp-demo-a',
      sampleReport(i, pair.clock.now()),
      undefined,
      formKey ? `form-${i}` : undefined,
    ),
  );
  const submit = meters.unit.take();
  const acksBefore = hospitalLink.payloads.length;
  for (const payload of unitLink.payloads.slice(sentBefore)) await hospitalLink.deliver(payload);
  await settle();
  const inbox = meters.inbox.take();
  const hospitalOutbox = meters.hospitalOutbox.take();
  for (let k = acksBefore; k < hospitalLink.payloads.length; k++)
    if (hospitalLink.published[k] === topics.unitInbox('amb-demo-01'))
      await unitLink.deliver(hospitalLink.payloads[k] as Uint8Array);
  await settle();
  const ack = meters.unit.take();
  expect(unit.pending).toBe(0);
  return { submit, inbox, ack, hospitalOutbox };
};

const meterPair = (pair: Pair) => ({
  unit: walMeter(join(pair.dir, 'unit-outbox.sqlite')),
  inbox: walMeter(join(pair.dir, 'inbox.sqlite')),
  hospitalOutbox: walMeter(join(pair.dir, 'hospital-outbox.sqlite')),
});

const sum = (steps: readonly WalStep[]) => ({
  frames: steps.reduce((n, s) => n + s.frames, 0),
  commits: steps.reduce((n, s) => n + s.commits, 0),
  byTree: steps.reduce<Record<string, number>>((all, s) => {
    for (const [k, v] of Object.entries(s.byTree)) all[k] = (all[k] ?? 0) + v;
    return all;
  }, {}),
});

let close: (() => void) | undefined;
afterEach(() => close?.());

const N = 20;

/** One report at a time, as bench:feed's latency figure: the commits of N reports after 10 first ones. */
const oneAtATime = async (formKeys: boolean) => {
  const pair = await feedPair();
  close = pair.close;
  const meters = meterPair(pair);
  for (let i = 0; i < 10; i++) await oneReport(pair, i, meters, formKeys);
  const runs: PerReport[] = [];
  for (let i = 10; i < 10 + N; i++) runs.push(await oneReport(pair, i, meters, formKeys));
  return {
    submit: sum(runs.map((r) => r.submit)),
    inbox: sum(runs.map((r) => r.inbox)),
    ack: sum(runs.map((r) => r.ack)),
    hospitalOutbox: sum(runs.map((r) => r.hospitalOutbox)),
  };
};

/**
 * Issue 16: every page a commit changes is written to the WAL (one frame each) before its fsync, so
 * the pages each commit on the feed's path writes are a figure of their own, deterministic where
 * timing is not (docs/decisions.md, "Pages per report"). Before the tables were laid out for it, one
 * report at a time cost 8 + 5 + 5 frames (submit with a form key, inbox, acknowledgement), and a
 * drained queue 10.1 + 0.8 + 1.6 per report.
 */
describe('SQLite pages written per report on the feed’s path (issue 16)', () => {
  it('one report at a time: the submit writes 4 pages, the inbox commit 4, the acknowledgement 3', async () => {
    const f = await oneAtATime(true);
    console.info(`pages per report, one at a time: ${JSON.stringify(f)}`);
    // Which b-trees each commit changes: the outbox row and its id, the report, the form's key...
    expect(Object.keys(f.submit.byTree).sort()).toEqual([
      'form_keys',
      'outbox',
      'reports',
      'sqlite_autoindex_outbox_1',
    ]);
    // ...the message id, the report and its key (and the header when the file grows)...
    expect(Object.keys(f.inbox.byTree).sort()).toEqual([
      '(header)',
      'messages',
      'reports',
      'sqlite_autoindex_reports_1',
    ]);
    // ...the entry gone with its id, the report `received`.
    expect(Object.keys(f.ack.byTree).sort()).toEqual(['outbox', 'reports', 'sqlite_autoindex_outbox_1']);
    expect([f.submit.commits, f.inbox.commits, f.ack.commits]).toEqual([N, N, N]);
    expect(f.submit.frames).toBeLessThanOrEqual(4 * N);
    expect(f.inbox.frames).toBeLessThanOrEqual(4 * N);
    expect(f.ack.frames).toBeLessThanOrEqual(3 * N);
    // Nothing of a report goes through the hospital's reply outbox.
    expect(f.hospitalOutbox.frames).toBe(0);
  });

  it('one report at a time without a form key (bench:feed’s submit): the submit writes 3 pages', async () => {
    const f = await oneAtATime(false);
    console.info(`pages per report, one at a time, no form key: ${JSON.stringify(f)}`);
    expect(Object.keys(f.submit.byTree).sort()).toEqual(['outbox', 'reports', 'sqlite_autoindex_outbox_1']);
    expect(f.submit.frames).toBeLessThanOrEqual(3 * N);
  });

  it('a queue of 100 drained: at most 6.5 pages per report submitted, 1 stored, 1.5 acknowledged', async () => {
    const pair = await feedPair();
    close = pair.close;
    const { unit, unitLink, hospitalLink } = pair;
    const meters = meterPair(pair);
    const K = 100;
    const WINDOW = 20;
    const submits: WalStep[] = [];
    for (let i = 0; i < K; i++) {
      unwrap(
        await unit.submitReport('hosp-demo-a', sampleReport(i, pair.clock.now()), undefined, `form-${i}`),
      );
      submits.push(meters.unit.take());
    }
    const envelopes = unitLink.payloads.slice();
    expect(envelopes).toHaveLength(K);
    const inbox: WalStep[] = [];
    for (let i = 0; i < K; i += WINDOW) {
      await Promise.all(envelopes.slice(i, i + WINDOW).map((p) => hospitalLink.deliver(p)));
      await settle();
      inbox.push(meters.inbox.take());
    }
    const acks: WalStep[] = [];
    for (let k = 0; k < hospitalLink.payloads.length; k++) {
      if (hospitalLink.published[k] !== topics.unitInbox('amb-demo-01')) continue;
      await unitLink.deliver(hospitalLink.payloads[k] as Uint8Array);
      await settle();
      acks.push(meters.unit.take());
    }
    expect(unit.pending).toBe(0);
    const f = { submit: sum(submits), inbox: sum(inbox), ack: sum(acks) };
    console.info(`pages per report, a queue drained: ${JSON.stringify(f)}`);
    expect(f.submit.frames).toBeLessThanOrEqual(6.5 * K);
    expect(f.inbox.frames).toBeLessThanOrEqual(1 * K);
    expect(f.ack.frames).toBeLessThanOrEqual(1.5 * K);
  });
});
