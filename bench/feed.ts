import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryReplayStore } from '../src/crypto/index.js';
import { encodeBody, SqliteOutboxStore } from '../src/hospital-feed/index.js';
import { connectLink, epochNow, unitFeed, unwrap, type Endpoint } from '../test/support/feed/harness.js';
import { Changes } from '../test/support/feed/changes.js';
import { feedCodec, feedKeys } from '../test/support/feed/keys.js';
import { MosquittoBroker } from '../test/support/feed/mosquitto.js';
import { sampleReport } from '../test/support/feed/sample.js';
import { attachmentAndBurst } from './feed-burst.js';
import { FeedChild } from './feed-children.js';
import { percentile, type BenchReport } from './report.js';

const LATENCY_ROUNDS = 300;
const DRAIN = 1_000;
const WINDOW = 20;

const TIMEOUT_MS = 120_000;

/** What a receiving child process needs to reach the broker, as test/support/feed/child-env.ts reads it. */
export const childEnv = (broker: MosquittoBroker, keysDir: string): Record<string, string> => ({
  EMS_URL: broker.url,
  EMS_PROTOCOL: '5',
  EMS_PKI: broker.pki.dir,
  EMS_KEYS: keysDir,
});

/** Counts a receiver child's `got TIME` lines and keeps the last time; `changed` after each. */
export const gotCounter = (
  changed: () => void,
): { readonly onLine: (line: string) => void; count: number; lastAt: number } => {
  const counter = {
    count: 0,
    lastAt: Number.NaN,
    onLine: (line: string) => {
      if (!line.startsWith('got ')) return;
      counter.count += 1;
      counter.lastAt = Number(line.slice(4));
      changed();
    },
  };
  return counter;
};

/**
 * Feed latency and drain rate through one Mosquitto (MQTT 5, TLS, ACLs as deployed), each next to
 * raw mqtt.js through the same broker in the same run. Every receiving side (the hospital feed, the
 * raw and the durable baselines' receivers) runs in a process of its own, as on its own machine in
 * the field, so no side's work waits for the other's on one event loop; a message's time runs from
 * its submit in this process to its arrival there (both `epochNow`: one clock).
 */
export const run = async (): Promise<BenchReport> => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-feed-'));
  const broker = await MosquittoBroker.create(dir, {
    units: ['amb-demo-01', 'amb-demo-02'],
    hospitals: ['hosp-demo-a', 'hosp-demo-b'],
    dispatch: [],
  });
  try {
    const endpoint: Endpoint = {
      url: broker.url,
      protocolVersion: 5,
      pki: broker.pki,
      keys: await feedKeys(dir),
    };
    const changes = new Changes();
    const until = (probe: () => boolean, label: string): Promise<void> =>
      changes.until(probe, TIMEOUT_MS, label);
    const arrived = new Map<string, number>();
    const hospital = new FeedChild(
      'receiver-process',
      { ...childEnv(broker, dir), EMS_DIR: mkdtempSync(join(dir, 'h-')), EMS_BENCH: '1' },
      (line) => {
        const [word, id, at] = line.split(' ');
        if (word === 'new' && id !== undefined) arrived.set(id, Number(at));
        changes.changed();
      },
    );
    await hospital.start();
    const unitDir = mkdtempSync(join(dir, 'u-'));
    const unit = await unitFeed(endpoint, 'amb-demo-01', { dir: unitDir });
    await unit.feed.start();
    unit.link.on('up', changes.changed);
    unit.feed.on('report', changes.changed);
    await until(() => unit.link.isUp, 'the unit link');

    // 1. submit → opened and stored at the receiver (board event), one report at a time.
    const feedLatency: number[] = [];
    for (let i = 0; i < LATENCY_ROUNDS; i++) {
      const t0 = epochNow();
      const r = await unit.feed.submitReport('hosp-demo-a', sampleReport(i));
      if (!r.ok) throw new Error(r.error.code);
      const id = r.value.reportId;
      await until(() => arrived.has(id), 'the report at the hospital');
      feedLatency.push((arrived.get(id) ?? t0) - t0);
    }
    const payloadBytes = unwrap(SqliteOutboxStore.open(join(unitDir, 'outbox.sqlite'))).live()[0]?.bytes
      .byteLength;
    await until(() => unit.feed.pending === 0, 'the unit outbox');
    await unit.close();

    // The envelope's own cost on that path, in the same run: the unit signs and seals the report, the
    // hospital opens and verifies it (production codec; replay check in memory, not the inbox).
    const sealer = await feedCodec(endpoint.keys, 'amb-demo-01', { store: new MemoryReplayStore() });
    const opener = await feedCodec(endpoint.keys, 'hosp-demo-a', { store: new MemoryReplayStore() });
    const cryptoOnPath: number[] = [];
    for (let i = 0; i < LATENCY_ROUNDS; i++) {
      const report = sampleReport(i);
      const body = unwrap(encodeBody({ kind: 'report', body: { ...report, reportId: crypto.randomUUID() } }));
      const t0 = performance.now();
      const sealed = await sealer.codec.seal({
        kind: 'report',
        to: 'hosp-demo-a',
        body,
        stream: crypto.randomUUID(),
        sequence: 1,
        expiresAt: Date.now() + 3600_000,
      });
      unwrap(await opener.codec.open(sealed.bytes));
      cryptoOnPath.push(performance.now() - t0);
    }
    cryptoOnPath.sort((a, b) => a - b);

    // Baseline: raw mqtt.js QoS 1 publish → subscribe of the same payload size, same broker.
    const payload = new Uint8Array(payloadBytes ?? 2_000).fill(65);
    const got = gotCounter(changes.changed);
    const sub = new FeedChild('baseline-receiver-process', childEnv(broker, dir), got.onLine);
    await sub.start();
    const pub = connectLink(endpoint, 'amb-demo-02');
    pub.on('up', changes.changed);
    await until(() => pub.isUp, 'the raw sender link');
    const rawLatency: number[] = [];
    for (let i = 0; i < LATENCY_ROUNDS; i++) {
      const before = got.count;
      const t0 = epochNow();
      await pub.publish('ems/v1/hospital/hosp-demo-b/in', payload);
      await until(() => got.count > before, 'the raw payload');
      rawLatency.push(got.lastAt - t0);
    }

    // 2. Drain after a reconnect: DRAIN reports stored while offline, then the link comes up.
    const drainDir = mkdtempSync(join(dir, 'd-'));
    const offline = await unitFeed({ ...endpoint, url: 'mqtts://127.0.0.1:1' }, 'amb-demo-01', {
      dir: drainDir,
    });
    for (let i = 0; i < DRAIN; i++) unwrap(await offline.feed.submitReport('hosp-demo-a', sampleReport(i)));
    await offline.close();
    // Timed from the link's CONNACK, as the baseline's loop below starts on a link already up: the
    // TLS handshake of a reconnect is any client's, and is not the outbox draining.
    const online = await unitFeed(endpoint, 'amb-demo-01', { dir: drainDir });
    let upAt = Number.NaN;
    online.link.once('up', () => (upAt = performance.now()));
    const received = new Set<string>();
    online.feed.on('report', (view) => {
      if (view.state === 'received') received.add(view.reportId);
      changes.changed();
    });
    await online.feed.start();
    await until(() => online.feed.pending === 0 && received.size === DRAIN, 'the drain');
    const drainMs = performance.now() - upAt;
    await online.close();
    await new Promise((r) => setTimeout(r, 600));
    const hospitalRss = hospital.lastRss;

    // Baseline: raw QoS 1 publish loop with the same window, until every PUBACK.
    const t1 = performance.now();
    for (let i = 0; i < DRAIN; i += WINDOW)
      await Promise.all(
        Array.from({ length: Math.min(WINDOW, DRAIN - i) }, () =>
          pub.publish('ems/v1/hospital/hosp-demo-b/in', payload),
        ),
      );
    const rawDrainMs = performance.now() - t1;
    await until(() => got.count >= LATENCY_ROUNDS + DRAIN, 'every raw payload');
    await pub.close();
    await Promise.all([sub.stop(), hospital.stop()]);

    const sortedFeed = feedLatency.sort((a, b) => a - b);
    const sortedRaw = rawLatency.sort((a, b) => a - b);
    const feedRate = (DRAIN / drainMs) * 1000;
    const rawRate = (DRAIN / rawDrainMs) * 1000;
    // Issue 16: attachments, the durable baseline and the mass-casualty burst, on a broker of their own.
    const more = await attachmentAndBurst(mkdtempSync(join(dir, 'burst-')), {
      feedLatencyP50: percentile(sortedFeed, 50),
      feedLatencyP99: percentile(sortedFeed, 99),
      cryptoOnPathP50: percentile(cryptoOnPath, 50),
      drainPerSecond: feedRate,
      reportPayloadBytes: payload.byteLength,
    });
    return {
      bench: 'feed',
      figures: [
        {
          name: 'feed submit → opened at receiver p50',
          value: percentile(sortedFeed, 50),
          unit: 'ms',
          baseline: 'raw publish → subscribe p50',
        },
        {
          name: 'feed submit → opened at receiver p99',
          value: percentile(sortedFeed, 99),
          unit: 'ms',
          baseline: 'raw publish → subscribe p99',
        },
        {
          name: 'envelope sign + seal + open + verify of one report p50',
          value: percentile(cryptoOnPath, 50),
          unit: 'ms',
        },
        { name: 'raw publish → subscribe p50', value: percentile(sortedRaw, 50), unit: 'ms' },
        { name: 'raw publish → subscribe p99', value: percentile(sortedRaw, 99), unit: 'ms' },
        { name: 'payload size', value: payload.byteLength, unit: 'bytes' },
        {
          name: 'outbox drain after reconnect (to signed ack)',
          value: feedRate,
          unit: 'reports/s',
          baseline: 'raw QoS 1 publish loop',
        },
        { name: 'raw QoS 1 publish loop (window 20, PUBACK)', value: rawRate, unit: 'msgs/s' },
        { name: 'hospital feed process RSS after the drain', value: hospitalRss / 2 ** 20, unit: 'MiB' },
        ...more.figures,
      ],
      ratios: {
        'latency p50 feed / raw': percentile(sortedFeed, 50) / percentile(sortedRaw, 50),
        'latency p99 feed / raw': percentile(sortedFeed, 99) / percentile(sortedRaw, 99),
        'drain feed / raw': feedRate / rawRate,
        ...more.ratios,
      },
      notes: [
        'envelope: the production SodiumEnvelopeCodec (Ed25519 sign, then sealed box to the recipient; key files and a signed directory); the hospital checks replays against its inbox',
        "feed latency includes the SQLite fsync (WAL, synchronous FULL) on both sides; the drain runs from the reconnected link's CONNACK until each signed acknowledgement",
        'every receiving side (hospital feed, raw and durable baselines) runs in a process of its own; latency runs from the submit here to the arrival there (one clock: performance.timeOrigin + now)',
        ...more.notes,
      ],
    };
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};
