import { expect, it } from 'vitest';
import { ManualClock, ok, systemClock, type Result } from '../../src/core/index.js';
import {
  MemoryOutboxStore,
  Outbox,
  type LinkFailure,
  type OutboxEntry,
  type PublishLink,
} from '../../src/hospital-feed/index.js';
import { FAST_POLICY } from '../support/feed/harness.js';
import { manualTimers } from '../support/feed/fake-link.js';
import { report as reportRecord } from './outbox-store.contract.js';

const entry = (messageId: string, now: number): OutboxEntry => ({
  messageId,
  reportId: `report-${messageId}`,
  kind: 'report',
  to: 'hosp-demo-a',
  topic: 'ems/v1/hospital/hosp-demo-a/in',
  sequence: 1,
  createdAt: now,
  expiresAt: now + 3600_000,
  bytes: new Uint8Array([1]),
  transport: 'queued',
  attempts: 0,
  nextAttemptAt: now,
});

/** A link that is up and never answers a publish (no PUBACK yet): every publish stays in flight. */
const silentLink = (): { link: PublishLink; published: string[] } => {
  const published: string[] = [];
  const link: PublishLink = {
    isUp: true,
    receiveMaximum: 1,
    publish: (_topic: string, payload: Uint8Array): Promise<Result<void, LinkFailure>> => {
      published.push(String(payload[0]));
      return new Promise(() => undefined);
    },
    on: () => undefined,
  };
  return { link, published };
};

it('an acknowledgement that ends an entry still in flight frees its slot for the next due entry', async () => {
  const now = systemClock.now();
  const store = new MemoryOutboxStore();
  const { link, published } = silentLink();
  const outbox = new Outbox({
    store,
    link,
    clock: systemClock,
    timers: manualTimers().timers,
    random: () => 0.5,
    policy: FAST_POLICY,
    maxInFlight: 1,
  });
  outbox.start();
  const first = entry('a', now);
  const second = { ...entry('b', now), bytes: new Uint8Array([2]) };
  expect(outbox.add([first, second], [], [])).toEqual(ok(undefined));
  // Window of one: the first is in flight (no PUBACK), the second waits for its slot.
  expect(published).toEqual(['1']);
  // The hospital's acknowledgement of the first arrives before the broker's PUBACK (a resend).
  outbox.acknowledge('a');
  await new Promise((r) => setImmediate(r));
  expect(outbox.get('a')).toBeUndefined();
  expect(store.live().map((e) => e.messageId)).toEqual(['b']);
  // The freed slot goes to the second at once; before, it waited forever (no timer for a due entry).
  expect(published).toEqual(['1', '2']);
  outbox.stop();
});

it('an entry that expires while its publish is in flight is stored as expired, with its report', async () => {
  const clock = new ManualClock(1_000_000);
  const store = new MemoryOutboxStore();
  let puback: (r: Result<void, LinkFailure>) => void = () => undefined;
  const link: PublishLink = {
    isUp: true,
    receiveMaximum: 1,
    publish: () => new Promise((resolve) => (puback = resolve)),
    on: () => undefined,
  };
  const first = { ...entry('a', clock.now()), expiresAt: clock.now() + 1_000 };
  const report = reportRecord(1, {
    reportId: first.reportId,
    latestMessageId: 'a',
    expiresAt: first.expiresAt,
    updatedAt: clock.now(),
  });
  const outbox = new Outbox({
    store,
    link,
    clock,
    timers: manualTimers().timers,
    random: () => 0.5,
    policy: FAST_POLICY,
    maxInFlight: 1,
    reportFor: (e) => (e.reportId === report.reportId ? report : undefined),
  });
  const seen: string[] = [];
  outbox.on('transport', (e) => seen.push(e.transport));
  outbox.start();
  expect(outbox.add([first], [], [report])).toEqual(ok(undefined));
  // Its expiry passes while the broker has not answered; then the PUBACK comes.
  clock.advance(2_000);
  puback(ok(undefined));
  await new Promise((r) => setImmediate(r));
  expect(seen.at(-1)).toBe('expired');
  expect(outbox.get('a')).toBeUndefined();
  // Written, not only shown: before, the store still held it live and a restart sent it again.
  expect(store.live()).toEqual([]);
  outbox.stop();
});
