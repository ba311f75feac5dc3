import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock, ok, type Result } from '../../src/core/index.js';
import {
  encodePresence,
  MAX_PRESENCE_BYTES,
  MemoryOutboxStore,
  Outbox,
  parsePresence,
  parsePresenceTopic,
  PeerEpochs,
  PRESENCE_ERRORS,
  withPresence,
  topics,
  transition,
  DEFAULT_RETRY_POLICY,
  type LinkFailure,
  type OutboxEntry,
  type PublishLink,
} from '../../src/hospital-feed/index.js';
import { manualTimers } from '../support/feed/fake-link.js';
import { FAST_POLICY, unitOnFakeLink } from '../support/feed/harness.js';
import { feedKeys } from '../support/feed/keys.js';
import { sampleReport } from '../support/feed/sample.js';
import { entry as storedEntry } from './outbox-store.contract.js';

const EPOCH_A = 'a'.repeat(32);
const EPOCH_B = 'b'.repeat(32);
const up = (epoch: string) => encodePresence({ v: 1, state: 'up', epoch });

const entry = (messageId: string, to: string, now: number): OutboxEntry => ({
  messageId,
  reportId: `report-${messageId}`,
  kind: 'report',
  to,
  topic: topics.hospitalInbox(to),
  sequence: 1,
  createdAt: now,
  expiresAt: now + 3600_000,
  bytes: new TextEncoder().encode(messageId),
  transport: 'queued',
  attempts: 0,
  nextAttemptAt: now,
});

/**
 * A link that is up; each publish waits for the test to give its PUBACK (`puback`), or gets it at
 * once when `immediate`. `up(sessionPresent)` is a reconnect as BrokerLink reports it.
 */
const heldLink = (immediate: boolean) => {
  const published: string[] = [];
  const pending: (() => void)[] = [];
  const upListeners: ((sessionPresent: boolean) => void)[] = [];
  const link: PublishLink = {
    isUp: true,
    receiveMaximum: undefined,
    publish: (_topic, payload): Promise<Result<void, LinkFailure>> => {
      published.push(new TextDecoder().decode(payload));
      if (immediate) return Promise.resolve(ok(undefined));
      return new Promise((resolve) => pending.push(() => resolve(ok(undefined))));
    },
    on: (event: 'up' | 'down', listener: (arg: never) => void) =>
      void (event === 'up' && upListeners.push(listener as (sessionPresent: boolean) => void)),
  };
  return {
    link,
    published,
    puback: async () => {
      for (const resolve of pending.splice(0)) resolve();
      await new Promise((r) => setImmediate(r));
    },
    up: (sessionPresent: boolean) => upListeners.forEach((l) => l(sessionPresent)),
  };
};

const outboxOn = (link: PublishLink, clock: ManualClock) => {
  const store = new MemoryOutboxStore();
  const { timers, pending } = manualTimers();
  const outbox = new Outbox({
    store,
    link,
    clock,
    timers,
    random: () => 0.5,
    policy: FAST_POLICY,
    maxInFlight: 20,
  });
  outbox.start();
  return { outbox, store, pending };
};

/** Lets the PUBACK promises of publishes already answered settle. */
const settle = () => new Promise((r) => setImmediate(r));

describe('presence on the wire', () => {
  it('round-trips up and down, and refuses anything else', () => {
    expect(parsePresence(up(EPOCH_A))).toEqual(ok({ v: 1, state: 'up', epoch: EPOCH_A }));
    expect(parsePresence(encodePresence({ v: 1, state: 'down' }))).toEqual(ok({ v: 1, state: 'down' }));
    const refused = { ok: false, error: PRESENCE_ERRORS.malformed };
    const text = (s: string) => new TextEncoder().encode(s);
    expect(parsePresence(text('{"v":1,"state":"up"}'))).toEqual(refused);
    expect(parsePresence(text(`{"v":1,"state":"up","epoch":"${'A'.repeat(32)}"}`))).toEqual(refused);
    expect(parsePresence(text(`{"v":2,"state":"up","epoch":"${EPOCH_A}"}`))).toEqual(refused);
    expect(parsePresence(text(`{"v":1,"state":"down","note":"x"}`))).toEqual(refused);
    expect(parsePresence(new Uint8Array([0xff, 0xfe]))).toEqual(refused);
    expect(parsePresence(new Uint8Array(0))).toEqual(refused);
    expect(parsePresence(new Uint8Array(MAX_PRESENCE_BYTES + 1).fill(0x20))).toEqual(refused);
  });

  it('never throws on arbitrary bytes, and every epoch of 32 hex digits round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const parsed = parsePresence(bytes);
        expect(typeof parsed.ok).toBe('boolean');
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{32}$/), (epoch) => {
        expect(parsePresence(up(epoch))).toEqual(ok({ v: 1, state: 'up', epoch }));
      }),
    );
  });

  it('names the principal by its topic only, for the role asked', () => {
    expect(parsePresenceTopic('hospital', topics.hospitalPresence('hosp-demo-a'))).toBe('hosp-demo-a');
    expect(parsePresenceTopic('unit', topics.unitPresence('amb-demo-01'))).toBe('amb-demo-01');
    expect(parsePresenceTopic('unit', topics.hospitalPresence('hosp-demo-a'))).toBeUndefined();
    expect(parsePresenceTopic('hospital', topics.unitPresence('amb-demo-01'))).toBeUndefined();
    expect(parsePresenceTopic('hospital', topics.hospitalStatus('hosp-demo-a'))).toBeUndefined();
    expect(parsePresenceTopic('hospital', topics.allHospitalPresence)).toBeUndefined();
    expect(parsePresenceTopic('hospital', 'ems/v1/dispatch/disp-1/presence')).toBeUndefined();
  });

  it("routes a peer role's presence apart from envelopes: a return once per epoch, a bad one counted", async () => {
    const back: string[] = [];
    const envelopes: string[] = [];
    let malformed = 0;
    const handle = withPresence(
      'unit',
      { back: (p) => back.push(p), malformed: () => (malformed += 1) },
      (topic) => Promise.resolve(void envelopes.push(topic)),
    );
    await handle(topics.unitPresence('amb-demo-01'), up(EPOCH_A));
    await handle(topics.unitPresence('amb-demo-01'), up(EPOCH_A));
    await handle(topics.unitPresence('amb-demo-02'), up(EPOCH_A));
    await handle(topics.unitPresence('amb-demo-01'), up(EPOCH_B));
    await handle(topics.unitPresence('amb-demo-01'), new TextEncoder().encode('not json'));
    // Another role's presence is not a unit's: it goes on as any other message would.
    await handle(topics.hospitalPresence('hosp-demo-a'), up(EPOCH_A));
    await handle(topics.hospitalInbox('hosp-demo-a'), new Uint8Array([1]));
    expect(back).toEqual(['amb-demo-01', 'amb-demo-02', 'amb-demo-01']);
    expect(malformed).toBe(1);
    expect(envelopes).toEqual([topics.hospitalPresence('hosp-demo-a'), topics.hospitalInbox('hosp-demo-a')]);
  });

  it('a new epoch from a peer is a return; the same epoch again or a down is not', () => {
    const peers = new PeerEpochs();
    expect(peers.cameUp('hosp-a', { v: 1, state: 'up', epoch: EPOCH_A })).toBe(true);
    expect(peers.cameUp('hosp-a', { v: 1, state: 'up', epoch: EPOCH_A })).toBe(false);
    expect(peers.cameUp('hosp-a', { v: 1, state: 'down' })).toBe(false);
    expect(peers.cameUp('hosp-b', { v: 1, state: 'up', epoch: EPOCH_A })).toBe(true);
    expect(peers.cameUp('hosp-a', { v: 1, state: 'up', epoch: EPOCH_B })).toBe(true);
  });
});

describe('the outbox when a recipient comes back', () => {
  it('makes an entry at the broker due now, and leaves queued and terminal entries as they are', () => {
    const ctx = { now: 5_000, policy: DEFAULT_RETRY_POLICY, random: () => 0.5 };
    const atBroker = transition(
      transition(storedEntry(1), { type: 'publish-started' }, ctx),
      { type: 'puback' },
      ctx,
    );
    expect(atBroker.nextAttemptAt).toBe(5_000 + DEFAULT_RETRY_POLICY.ackTimeoutMs);
    const later = { ...ctx, now: 6_000 };
    expect(transition(atBroker, { type: 'recipient-back' }, later)).toEqual({
      ...atBroker,
      nextAttemptAt: 6_000,
    });
    const queued = transition(
      transition(storedEntry(1), { type: 'publish-started' }, ctx),
      { type: 'publish-failed' },
      ctx,
    );
    expect(transition(queued, { type: 'recipient-back' }, later)).toBe(queued);
    const done = transition(atBroker, { type: 'acknowledged' }, ctx);
    expect(transition(done, { type: 'recipient-back' }, later)).toBe(done);
  });

  it("publishes again at once what the broker took for that hospital, and only that hospital's", async () => {
    const clock = new ManualClock(1_000_000);
    const { link, published } = heldLink(true);
    const { outbox } = outboxOn(link, clock);
    outbox.add([entry('a1', 'hosp-a', clock.now()), entry('b1', 'hosp-b', clock.now())], [], []);
    await settle();
    expect(outbox.entries().map((e) => e.transport)).toEqual(['at-broker', 'at-broker']);
    expect(published).toEqual(['a1', 'b1']);

    clock.advance(1_000);
    outbox.recipientBack('hosp-a');
    // No timer fired (the test fires none): the acknowledgement wait (2 s here) has not run out.
    expect(published).toEqual(['a1', 'b1', 'a1']);
    await settle();
    // At the broker again, with a new acknowledgement wait; the other hospital's entry untouched.
    expect(outbox.get('a1')).toMatchObject({ transport: 'at-broker', attempts: 2 });
    expect(outbox.get('b1')).toMatchObject({ transport: 'at-broker', attempts: 1 });
    outbox.recipientBack('hosp-c');
    expect(published).toEqual(['a1', 'b1', 'a1']);
    outbox.stop();
  });

  it('an entry still waiting for its PUBACK when the hospital came back goes again at its PUBACK', async () => {
    const clock = new ManualClock(1_000_000);
    const held = heldLink(false);
    const { outbox } = outboxOn(held.link, clock);
    outbox.add([entry('a1', 'hosp-a', clock.now())], [], []);
    expect(held.published).toEqual(['a1']);
    // The broker may have taken it before the hospital's subscription was back; we learn of the
    // return before its PUBACK arrives.
    outbox.recipientBack('hosp-a');
    expect(held.published).toEqual(['a1']);
    await held.puback();
    expect(held.published).toEqual(['a1', 'a1']);
    await held.puback();
    // Once: the second copy's PUBACK starts the acknowledgement wait as usual.
    expect(held.published).toEqual(['a1', 'a1']);
    expect(outbox.get('a1')).toMatchObject({ transport: 'at-broker', attempts: 2 });
    outbox.stop();
  });

  it('leaves an entry past its expiry to expire, not to be sent', async () => {
    const clock = new ManualClock(1_000_000);
    const { link, published } = heldLink(true);
    const { outbox, store } = outboxOn(link, clock);
    outbox.add([entry('a1', 'hosp-a', clock.now())], [], []);
    await settle();
    clock.advance(3600_000);
    outbox.recipientBack('hosp-a');
    expect(published).toEqual(['a1']);
    expect(outbox.get('a1')).toBeUndefined();
    expect(store.live()).toEqual([]);
    outbox.stop();
  });

  it('publishes again all it has at the broker when the broker lost our own session, not when it kept it', async () => {
    const clock = new ManualClock(1_000_000);
    const held = heldLink(true);
    const { outbox } = outboxOn(held.link, clock);
    outbox.add([entry('a1', 'hosp-a', clock.now()), entry('b1', 'hosp-b', clock.now())], [], []);
    await settle();
    clock.advance(500);
    held.up(true);
    expect(held.published).toEqual(['a1', 'b1']);
    held.up(false);
    expect(held.published).toEqual(['a1', 'b1', 'a1', 'b1']);
    outbox.stop();
  });
});

describe("the unit's feed and the hospitals' presence", () => {
  it('subscribes to it, resends on a new epoch of the report’s hospital, and counts a malformed presence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'presence-unit-'));
    const keys = await feedKeys(dir);
    const unit = await unitOnFakeLink(keys, new MemoryOutboxStore());
    await unit.feed.start();
    expect(unit.subscribed).toEqual([topics.unitInbox('amb-demo-01'), topics.allHospitalPresence]);
    const sent = await unit.feed.submitReport('hosp-demo-a', sampleReport(1));
    if (!sent.ok) throw new Error(sent.error.code);
    await settle();
    expect(unit.feed.report(sent.value.reportId)?.state).toBe('at-broker');
    const inbox = topics.hospitalInbox('hosp-demo-a');
    expect(unit.published).toEqual([inbox]);

    await unit.deliverOn(topics.hospitalPresence('hosp-demo-b'), up(EPOCH_A));
    expect(unit.published).toEqual([inbox]);
    await unit.deliverOn(topics.hospitalPresence('hosp-demo-a'), up(EPOCH_A));
    expect(unit.published).toEqual([inbox, inbox]);
    await settle();
    // The same epoch again (a retained copy on resubscribing) and a down change nothing.
    await unit.deliverOn(topics.hospitalPresence('hosp-demo-a'), up(EPOCH_A));
    await unit.deliverOn(topics.hospitalPresence('hosp-demo-a'), encodePresence({ v: 1, state: 'down' }));
    expect(unit.published).toEqual([inbox, inbox]);
    await unit.deliverOn(topics.hospitalPresence('hosp-demo-a'), up(EPOCH_B));
    expect(unit.published).toEqual([inbox, inbox, inbox]);

    // Not an envelope, and not one to open: counted as what it is.
    await unit.deliverOn(topics.hospitalPresence('hosp-demo-a'), new TextEncoder().encode('{}'));
    expect(unit.counts.rejected).toEqual({ 'presence-malformed': 1 });
    unit.feed.stop();
  });
});
