import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  startEmbeddedBroker,
  topics,
  type EmbeddedBroker,
  type RetryPolicy,
} from '../../src/hospital-feed/index.js';
import { FAST_POLICY, hospitalFeed, unitFeed, type Endpoint } from '../support/feed/harness.js';
import { feedKeys } from '../support/feed/keys.js';
import { MosquittoBroker } from '../support/feed/mosquitto.js';
import { sampleReport } from '../support/feed/sample.js';
import { waitFor } from '../support/wait.js';

/**
 * Acknowledgement wait of ten minutes: a report that reaches the hospital within seconds of its
 * return was published again because the hospital announced its presence, not because the wait ran
 * out. Everything else as the fault tests run it.
 */
const ACK_WAIT_OF_TEN_MINUTES: RetryPolicy = { ...FAST_POLICY, ackTimeoutMs: 600_000, maxDelayMs: 600_000 };
/** From the hospital's reconnect to the crew seeing "received": seconds, where the wait is 600 s. */
const RECOVERY_MS = 10_000;

/** A broker the test kills and starts again on the same port, losing its sessions in between. */
interface Restartable {
  readonly endpoint: Endpoint;
  /** Gone at once, without saving anything (Mosquitto: SIGKILL). */
  kill(): Promise<void>;
  /** Back on the same port without the sessions (and so the subscriptions) it had. */
  startWithoutSessions(): Promise<void>;
  stop(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/**
 * The shipped Mosquitto configuration. A kill -9 loses what was not autosaved (every 10 s): here the
 * persistence file is removed before the restart, which is that loss made certain rather than left to
 * when the autosave happened to run.
 */
const mosquitto = async (dir: string): Promise<Restartable> => {
  const broker = await MosquittoBroker.create(dir, {
    units: ['amb-demo-01'],
    hospitals: ['hosp-demo-a'],
    dispatch: [],
  });
  return {
    endpoint: { url: broker.url, protocolVersion: 5, pki: broker.pki, keys: await feedKeys(dir) },
    kill: () => broker.kill(),
    startWithoutSessions: async () => {
      rmSync(join(dir, 'data', 'mosquitto.db'), { force: true });
      await broker.start();
    },
    stop: () => broker.stop(),
  };
};

/** The demo's broker (aedes, MQTT 3.1.1): it keeps nothing across a restart anyway. */
const aedes = async (dir: string): Promise<Restartable> => {
  let broker: EmbeddedBroker | undefined = await startEmbeddedBroker('127.0.0.1', 0);
  const port = Number(new URL(broker.url).port);
  return {
    endpoint: { url: broker.url, protocolVersion: 4, keys: await feedKeys(dir) },
    kill: async () => {
      await broker?.close();
      broker = undefined;
    },
    startWithoutSessions: async () => {
      broker = await startEmbeddedBroker('127.0.0.1', port);
    },
    stop: async () => broker?.close(),
  };
};

describe.each([
  ['Mosquitto, shipped configuration (MQTT 5, TLS, ACL)', mosquitto],
  ['the demo broker (aedes, MQTT 3.1.1)', aedes],
])('after a broker restart that lost the sessions: %s', (_name, make) => {
  it(
    "a report the broker took while the hospital was away reaches it within seconds of the hospital's return",
    { timeout: 90_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'feed-presence-'));
      const broker = await make(dir);
      cleanups.push(() => broker.stop());
      const hospitalDir = mkdtempSync(join(dir, 'h-'));
      const hospital = await hospitalFeed(
        broker.endpoint,
        'hosp-demo-a',
        hospitalDir,
        ACK_WAIT_OF_TEN_MINUTES,
      );
      const unit = await unitFeed(broker.endpoint, 'amb-demo-01', {
        dir: mkdtempSync(join(dir, 'u-')),
        policy: ACK_WAIT_OF_TEN_MINUTES,
      });
      cleanups.push(() => unit.close());
      await hospital.receiver.start();
      await unit.feed.start();
      const first = await unit.feed.submitReport('hosp-demo-a', sampleReport(1));
      if (!first.ok) throw new Error(first.error.code);
      await waitFor(
        () => unit.feed.report(first.value.reportId)?.state === 'received',
        'first report received',
      );

      // The broker dies; the hospital's box goes away too and is still away when the broker is back.
      await broker.kill();
      await hospital.close();
      await broker.startWithoutSessions();
      await waitFor(() => unit.link.isUp, 'unit back on the broker');

      // The broker takes the report (PUBACK) and, with no subscriber for the hospital, drops it.
      const second = await unit.feed.submitReport('hosp-demo-a', sampleReport(2));
      if (!second.ok) throw new Error(second.error.code);
      const { reportId } = second.value;
      await waitFor(() => unit.feed.report(reportId)?.state === 'at-broker', 'second report at the broker');

      // The hospital comes back with the same inbox: its link subscribes, then announces itself.
      const back = await hospitalFeed(broker.endpoint, 'hosp-demo-a', hospitalDir, ACK_WAIT_OF_TEN_MINUTES);
      cleanups.push(() => back.close());
      let upAt = 0;
      back.link.once('up', () => (upAt = Date.now()));
      await back.receiver.start();
      await waitFor(
        () => unit.feed.report(reportId)?.state === 'received',
        'second report received after the hospital came back',
        RECOVERY_MS + 5_000,
      );
      const recoveredMs = Date.now() - upAt;
      process.stdout.write(`presence: report received ${recoveredMs} ms after the hospital's reconnect\n`);
      expect(upAt).toBeGreaterThan(0);
      expect(recoveredMs).toBeLessThan(RECOVERY_MS);
      expect(back.receiver.board().map((r) => r.reportId)).toEqual([first.value.reportId, reportId]);
      // Received once on the board, whatever copies were sent.
      expect(back.counts.received).toBe(1);
    },
  );

  it(
    "the hospital's answer the broker took while the unit was away reaches the crew within seconds of the unit's return",
    { timeout: 90_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'feed-presence-'));
      const broker = await make(dir);
      cleanups.push(() => broker.stop());
      const hospital = await hospitalFeed(
        broker.endpoint,
        'hosp-demo-a',
        mkdtempSync(join(dir, 'h-')),
        ACK_WAIT_OF_TEN_MINUTES,
      );
      cleanups.push(() => hospital.close());
      const unitDir = mkdtempSync(join(dir, 'u-'));
      const unit = await unitFeed(broker.endpoint, 'amb-demo-01', {
        dir: unitDir,
        policy: ACK_WAIT_OF_TEN_MINUTES,
      });
      await hospital.receiver.start();
      await unit.feed.start();
      const sent = await unit.feed.submitReport('hosp-demo-a', sampleReport(1));
      if (!sent.ok) throw new Error(sent.error.code);
      const { reportId } = sent.value;
      await waitFor(() => unit.feed.report(reportId)?.state === 'received', 'report received');

      // The broker dies; the tablet goes away too and is still away when the broker is back.
      await broker.kill();
      await unit.close();
      await broker.startWithoutSessions();
      await waitFor(() => hospital.link.isUp, 'hospital back on the broker');

      // The desk accepts: the broker takes the answer (PUBACK) and, with no subscriber, drops it.
      const taken = hospital.pubacks.length;
      expect((await hospital.receiver.answer('amb-demo-01', reportId, { decision: 'accept' })).ok).toBe(true);
      await waitFor(() => hospital.pubacks.length > taken || undefined, 'answer at the broker');
      expect(hospital.pubacks.slice(taken)).toEqual([topics.unitInbox('amb-demo-01')]);

      // The unit comes back with the same outbox: its link subscribes, then announces itself.
      const returned = await unitFeed(broker.endpoint, 'amb-demo-01', {
        dir: unitDir,
        policy: ACK_WAIT_OF_TEN_MINUTES,
      });
      cleanups.push(() => returned.close());
      let upAt = 0;
      returned.link.once('up', () => (upAt = Date.now()));
      await returned.feed.start();
      await waitFor(
        () => returned.feed.report(reportId)?.state === 'accepted',
        'answer applied after the unit came back',
        RECOVERY_MS + 5_000,
      );
      const recoveredMs = Date.now() - upAt;
      process.stdout.write(`presence: answer applied ${recoveredMs} ms after the unit's reconnect\n`);
      expect(upAt).toBeGreaterThan(0);
      expect(recoveredMs).toBeLessThan(RECOVERY_MS);
    },
  );
});
