import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/core/index.js';
import {
  AmbulanceFeed,
  Receiver,
  SqliteInboxStore,
  SqliteOutboxStore,
  topics,
} from '../../../src/hospital-feed/index.js';
import { silentLogger } from '../../../src/log/index.js';
import { fakeLink, manualTimers } from './fake-link.js';
import { FAST_POLICY, counting, unwrap } from './harness.js';
import { feedCodec, feedKeys } from './keys.js';

/**
 * amb-demo-01 and hosp-demo-a, each with its real codec and SQLite files, on links the test pumps
 * by hand (each side's publishes are handed to the other), and one manual clock: what they exchange
 * and when is the test's to decide, with no broker and no sleeps.
 */
export const feedPair = async (options: { readonly outcomeRetentionMs?: number } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'feed-pair-'));
  const keys = await feedKeys(dir);
  const clock = new ManualClock(Date.now());
  let ids = 0;
  const newId = (): string => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

  const store = unwrap(SqliteOutboxStore.open(join(dir, 'unit-outbox.sqlite')));
  const unitCodec = await feedCodec(keys, 'amb-demo-01', { outbox: store }, clock);
  const unitLink = fakeLink();
  const unitCounts = counting();
  const unit = new AmbulanceFeed({
    unitId: 'amb-demo-01',
    codec: unitCodec.codec,
    link: unitLink.link,
    store,
    clock,
    timers: manualTimers().timers,
    random: () => 0.5,
    newId,
    policy: FAST_POLICY,
    maxInFlight: 20,
    defaultTtlMs: 3600_000,
    counters: unitCounts.counters,
    logger: silentLogger,
    ...(options.outcomeRetentionMs === undefined ? {} : { outcomeRetentionMs: options.outcomeRetentionMs }),
  });

  const inbox = unwrap(SqliteInboxStore.open(join(dir, 'inbox.sqlite')));
  const hospitalCodec = await feedCodec(keys, 'hosp-demo-a', { inbox }, clock);
  const hospitalLink = fakeLink();
  const hospitalCounts = counting();
  const receiver = new Receiver({
    hospitalId: 'hosp-demo-a',
    codec: hospitalCodec.codec,
    link: hospitalLink.link,
    inbox,
    outboxStore: unwrap(SqliteOutboxStore.open(join(dir, 'hospital-outbox.sqlite'))),
    clock,
    timers: manualTimers().timers,
    random: () => 0.5,
    policy: FAST_POLICY,
    maxInFlight: 20,
    replyTtlMs: 3600_000,
    retentionMs: 7 * 86_400_000,
    counters: hospitalCounts.counters,
    logger: silentLogger,
    newId,
  });
  await unit.start();
  await receiver.start();

  let fromUnit = 0;
  let fromHospital = 0;
  /** Hands every envelope published so far to its recipient, until neither side publishes more. */
  const pump = async (): Promise<void> => {
    for (let quiet = 0; quiet < 3;) {
      const moved = unitLink.payloads.length > fromUnit || hospitalLink.payloads.length > fromHospital;
      while (unitLink.payloads.length > fromUnit) {
        const i = fromUnit++;
        if (unitLink.published[i] === topics.hospitalInbox('hosp-demo-a'))
          await hospitalLink.deliver(unitLink.payloads[i] as Uint8Array);
      }
      while (hospitalLink.payloads.length > fromHospital) {
        const i = fromHospital++;
        if (hospitalLink.published[i] === topics.unitInbox('amb-demo-01'))
          await unitLink.deliver(hospitalLink.payloads[i] as Uint8Array);
      }
      await new Promise((resolve) => setImmediate(resolve));
      quiet = moved ? 0 : quiet + 1;
    }
  };
  const close = (): void => {
    unit.stop();
    receiver.stop();
    unitCodec.close();
    hospitalCodec.close();
  };
  return {
    dir,
    clock,
    unit,
    receiver,
    inbox,
    store,
    unitLink,
    hospitalLink,
    unitCounts: unitCounts.counts,
    hospitalCounts: hospitalCounts.counts,
    pump,
    close,
  };
};
