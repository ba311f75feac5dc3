import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryReplayStore } from '../src/crypto/index.js';
import { encodeBody, SqliteOutboxStore } from '../src/hospital-feed/index.js';
import { connectLink, hospitalFeed, unitFeed, unwrap, type Endpoint } from '../test/support/feed/harness.js';
import { feedCodec, feedKeys } from '../test/support/feed/keys.js';
import { MosquittoBroker } from '../test/support/feed/mosquitto.js';
import { sampleReport } from '../test/support/feed/sample.js';
import { attachmentAndBurst } from './feed-burst.js';
import { percentile, type BenchReport } from './report.js';

const LATENCY_ROUNDS = 300;
const DRAIN = 1_000;
const WINDOW = 20;

const until = async (probe: () => boolean, timeoutMs = 120_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('bench timed out');
    await new Promise((r) => setImmediate(r));
  }
};

/**
 * Feed latency and drain rate through one Mosquitto (MQTT 5, TLS, ACLs as deployed), each next to
 * raw mqtt.js through the same broker in the same run.
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
    const hospital = await hospitalFeed(endpoint, 'hosp-demo-a', mkdtempSync(join(dir, 'h-')));
    const arrived = new Map<string, number>();
    hospital.receiver.on('board', (e) => arrived.set(e.report.reportId, performance.now()));
    await hospital.receiver.start();
    const unitDir = mkdtempSync(join(dir, 'u-'));
    const unit = await unitFeed(endpoint, 'amb-demo-01', { dir: unitDir });
    await unit.feed.start();
    await until(() => unit.link.isUp && hospital.link.isUp);

    // 1. submit → opened and stored at the receiver (board event), one report at a time.
    const feedLatency: number[] = [];
    for (let i = 0; i < LATENCY_ROUNDS; i++) {
      const t0 = performance.now();
      const r = await unit.feed.submitReport('hosp-demo-a', sampleReport(i));
      if (!r.ok) throw new Error(r.error.code);
      const id = r.value.reportId;
      await until(() => arrived.has(id));
      feedLatency.push((arrived.get(id) ?? t0) - t0);
    }
    const payloadBytes = unwrap(SqliteOutboxStore.open(join(unitDir, 'outbox.sqlite'))).live()[0]?.bytes
      .byteLength;
    await until(() => unit.feed.pending === 0);
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
    let got = 0;
    const sub = connectLink(endpoint, 'hosp-demo-b', 'hosp-demo-b', () => Promise.resolve(void got++));
    await until(() => sub.isUp);
    await sub.subscribe('ems/v1/hospital/hosp-demo-b/in');
    const pub = connectLink(endpoint, 'amb-demo-02');
    await until(() => pub.isUp);
    const rawLatency: number[] = [];
    for (let i = 0; i < LATENCY_ROUNDS; i++) {
      const before = got;
      const t0 = performance.now();
      await pub.publish('ems/v1/hospital/hosp-demo-b/in', payload);
      await until(() => got > before);
      rawLatency.push(performance.now() - t0);
    }

    // 2. Drain after a reconnect: DRAIN reports stored while offline, then the link comes up.
    const drainDir = mkdtempSync(join(dir, 'd-'));
    const offline = await unitFeed({ ...endpoint, url: 'mqtts://127.0.0.1:1' }, 'amb-demo-01', {
      dir: drainDir,
    });
    for (let i = 0; i < DRAIN; i++) unwrap(await offline.feed.submitReport('hosp-demo-a', sampleReport(i)));
    await offline.close();
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const online = await unitFeed(endpoint, 'amb-demo-01', { dir: drainDir });
    await online.feed.start();
    await until(
      () => online.feed.pending === 0 && online.feed.reports().every((r) => r.state === 'received'),
    );
    const drainMs = performance.now() - t0;
    const rssFeed = process.memoryUsage().rss;
    await online.close();

    // Baseline: raw QoS 1 publish loop with the same window, until every PUBACK.
    const t1 = performance.now();
    for (let i = 0; i < DRAIN; i += WINDOW)
      await Promise.all(
        Array.from({ length: Math.min(WINDOW, DRAIN - i) }, () =>
          pub.publish('ems/v1/hospital/hosp-demo-b/in', payload),
        ),
      );
    const rawDrainMs = performance.now() - t1;
    await Promise.all([pub.close(), sub.close(), hospital.close()]);

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
        {
          name: 'RSS before drain (gateway + receiver, one process)',
          value: rssBefore / 2 ** 20,
          unit: 'MiB',
        },
        { name: 'RSS after drain (gateway + receiver, one process)', value: rssFeed / 2 ** 20, unit: 'MiB' },
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
        'feed latency includes the SQLite fsync (WAL, synchronous FULL) on both sides; the drain counts until each signed acknowledgement',
        'gateway and receiver run in one process here, so RSS is their sum',
        ...more.notes,
      ],
    };
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};
