import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ManualClock, ok, type Result } from '../../src/core/index.js';
import {
  MemoryOutboxStore,
  Outbox,
  topics,
  type LinkFailure,
  type PublishLink,
  type Timers,
} from '../../src/hospital-feed/index.js';
import { FAST_POLICY } from '../support/feed/harness.js';

/** Timers on the manual clock: each fires once the test moves the clock to or past its time. */
const clockTimers = (clock: ManualClock) => {
  const pending = new Map<number, { at: number; fn: () => void }>();
  let next = 0;
  const timers: Timers = {
    setTimeout: (fn, ms) => (pending.set(++next, { at: clock.now() + ms, fn }), next),
    clearTimeout: (h) => void pending.delete(h as number),
  };
  /** Fires, earliest first, every timer due by now (and those its callbacks set due by now). */
  const fireDue = (): void => {
    // A timer that sets itself again at the same instant forever is a busy loop: a failure here.
    for (let fired = 0; fired < 10_000; fired++) {
      const due = [...pending.entries()]
        .filter(([, t]) => t.at <= clock.now())
        .sort(([, a], [, b]) => a.at - b.at)[0];
      if (due === undefined) return;
      pending.delete(due[0]);
      due[1].fn();
    }
    throw new Error('timers fire again and again at the same instant');
  };
  return { timers, fireDue };
};

/** A link that is up; each publish waits for the test to answer it (PUBACK or failure). */
const answeredLink = () => {
  const waiting: ((r: Result<void, LinkFailure>) => void)[] = [];
  const link: PublishLink = {
    isUp: true,
    receiveMaximum: undefined,
    publish: () => new Promise((resolve) => waiting.push(resolve)),
    on: () => undefined,
  };
  return { link, waiting };
};

type Step =
  | { readonly type: 'add'; readonly ttlMs: number }
  | { readonly type: 'puback'; readonly pick: number }
  | { readonly type: 'fail'; readonly pick: number }
  | { readonly type: 'ack'; readonly pick: number }
  | { readonly type: 'advance'; readonly ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('add' as const), ttlMs: fc.integer({ min: 1, max: 120_000 }) }),
  },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('puback' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('fail' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('ack' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 10_000 }) }),
  },
);

const settled = () => new Promise((r) => setImmediate(r));

it('never expires an entry late, and never lets a due entry wait while a slot is free (the pump scans only when a bound says so)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 20, maxLength: 80, size: 'max' }), async (steps) => {
      const clock = new ManualClock(1_000_000);
      const { timers, fireDue } = clockTimers(clock);
      const { link, waiting } = answeredLink();
      const maxInFlight = 3;
      const outbox = new Outbox({
        store: new MemoryOutboxStore(),
        link,
        clock,
        timers,
        random: () => 0.5,
        policy: FAST_POLICY,
        maxInFlight,
      });
      outbox.start();
      let n = 0;
      for (const s of steps) {
        switch (s.type) {
          case 'add': {
            const id = `m${String(++n)}`;
            const now = clock.now();
            const added = outbox.add(
              [
                {
                  messageId: id,
                  reportId: `r${id}`,
                  kind: 'report',
                  to: 'hosp-demo-a',
                  topic: topics.hospitalInbox('hosp-demo-a'),
                  sequence: 1,
                  createdAt: now,
                  expiresAt: now + s.ttlMs,
                  bytes: new Uint8Array([n % 256]),
                  transport: 'queued',
                  attempts: 0,
                  nextAttemptAt: now,
                },
              ],
              [],
              [],
            );
            expect(added.ok).toBe(true);
            break;
          }
          case 'puback':
          case 'fail': {
            const answer = waiting.splice(s.pick % Math.max(1, waiting.length), 1)[0];
            answer?.(s.type === 'puback' ? ok(undefined) : { ok: false, error: 'refused' as const });
            break;
          }
          case 'ack': {
            const live = outbox.entries();
            const e = live[s.pick % Math.max(1, live.length)];
            if (e !== undefined) outbox.acknowledge(e.messageId);
            break;
          }
          case 'advance':
            clock.advance(s.ms);
            fireDue();
            break;
          default:
            return s satisfies never;
        }
        await settled();
        fireDue();
        const now = clock.now();
        for (const e of outbox.entries()) {
          if (e.transport === 'sent') continue;
          // Past its expiry and not in flight: the pump must have expired (and stored) it.
          expect(e.expiresAt > now, `${e.messageId} live past its expiry`).toBe(true);
          // Due and a slot free: it must be in flight.
          if (outbox.inFlight < maxInFlight)
            expect(e.nextAttemptAt > now, `${e.messageId} due but not sent`).toBe(true);
        }
      }
      outbox.stop();
    }),
    { numRuns: 300 },
  );
});

it('looks for an expired entry again when storing its expiry failed', async () => {
  const clock = new ManualClock(1_000_000);
  const { timers, fireDue } = clockTimers(clock);
  const { link, waiting } = answeredLink();
  const store = new MemoryOutboxStore();
  const outbox = new Outbox({
    store,
    link,
    clock,
    timers,
    random: () => 0.5,
    policy: FAST_POLICY,
    maxInFlight: 3,
  });
  outbox.start();
  const now = clock.now();
  const queued = {
    reportId: 'r',
    kind: 'report' as const,
    to: 'hosp-demo-a',
    topic: topics.hospitalInbox('hosp-demo-a'),
    sequence: 1,
    createdAt: now,
    bytes: new Uint8Array([1]),
    transport: 'queued' as const,
    attempts: 0,
    nextAttemptAt: now,
  };
  expect(outbox.add([{ ...queued, messageId: 'short', expiresAt: now + 1_000 }], [], []).ok).toBe(true);
  expect(outbox.add([{ ...queued, messageId: 'long', expiresAt: now + 60_000 }], [], []).ok).toBe(true);
  for (const answer of waiting.splice(0)) answer(ok(undefined));
  await settled();
  // The disk refuses the first expiry write: the entry stays live, and is looked for and stored again.
  const write = store.write.bind(store);
  let refuse = true;
  store.write = (change) =>
    refuse ? ((refuse = false), { ok: false, error: 'storage-full' }) : write(change);
  const errors: string[] = [];
  outbox.on('storage-error', (code) => errors.push(code));
  clock.advance(1_500);
  fireDue();
  expect(errors).toEqual(['storage-full']);
  expect(outbox.get('short')).toBeUndefined();
  expect(outbox.get('long')).toBeDefined();
  outbox.stop();
});
