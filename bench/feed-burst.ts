import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerLink } from '../src/hospital-feed/index.js';
import { patternJpeg } from '../test/support/feed/attachment-sample.js';
import { burstUnits, runBurst } from '../test/support/feed/burst.js';
import { durableTable } from '../test/support/feed/durable-table.js';
import { connectLink, epochNow, unitFeed, unwrap, type Endpoint } from '../test/support/feed/harness.js';
import { FEED_PRINCIPALS, feedKeys } from '../test/support/feed/keys.js';
import { MosquittoBroker } from '../test/support/feed/mosquitto.js';
import { sampleReport } from '../test/support/feed/sample.js';
import { childEnv, gotCounter } from './feed.js';
import { FeedChild } from './feed-children.js';
import { percentile, type Figure } from './report.js';

const ATTACHMENT_ROUNDS = 20;
const ATTACHMENT_BYTES = 1_000_000;
const DURABLE_ROUNDS = 300;
const UNITS = 50;
const PER_UNIT = 10;
/** A photo as the tablet sends it: 1600 px on the long edge, JPEG quality 80 is ~150–300 KB. */
const BURST_PHOTO = 150_000;
const WINDOW = 20;

const until = async (probe: () => boolean, timeoutMs = 300_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('bench timed out');
    await new Promise((r) => setImmediate(r));
  }
};

/**
 * The durable baseline (issue 16): what any at-least-once feed must pay without crypto. The sender
 * inserts the payload (one FULL commit) and publishes it at QoS 1; the receiver, in a process of its
 * own as the hospital feed is, inserts it (one FULL commit) before its PUBACK. Latency: insert →
 * stored at the receiver; throughput with the feed's window.
 */
const durableBaseline = async (
  broker: MosquittoBroker,
  endpoint: Endpoint,
  keysDir: string,
  dir: string,
  payloads: readonly Uint8Array[],
  rounds: number,
): Promise<{ latency: number[]; perSecond: number }> => {
  const store = durableTable(join(dir, 'durable-sender.sqlite'));
  const stored = gotCounter();
  const receiver = new FeedChild(
    'baseline-receiver-process',
    { ...childEnv(broker, keysDir), EMS_DURABLE_FILE: join(dir, 'durable-receiver.sqlite') },
    stored.onLine,
  );
  await receiver.start();
  const pub = connectLink(endpoint, 'amb-demo-02');
  await until(() => pub.isUp);
  const first = payloads[0] ?? new Uint8Array(1);
  const latency: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const before = stored.count;
    const t0 = epochNow();
    store(first);
    await pub.publish('ems/v1/hospital/hosp-demo-b/in', first);
    await until(() => stored.count > before);
    latency.push(stored.lastAt - t0);
  }
  const start = stored.count;
  const t1 = performance.now();
  for (let i = 0; i < payloads.length; i += WINDOW)
    await Promise.all(
      payloads.slice(i, i + WINDOW).map((p) => {
        store(p);
        return pub.publish('ems/v1/hospital/hosp-demo-b/in', p);
      }),
    );
  await until(() => stored.count - start >= payloads.length);
  const perSecond = (payloads.length / (performance.now() - t1)) * 1000;
  await pub.close();
  await receiver.stop();
  return { latency: latency.sort((a, b) => a - b), perSecond };
};

/** Raw QoS 1: publish → received, and a publish loop with the feed's window until every PUBACK. */
const rawLoop = async (pub: BrokerLink, payloads: readonly Uint8Array[]): Promise<number> => {
  const t0 = performance.now();
  for (let i = 0; i < payloads.length; i += WINDOW)
    await Promise.all(
      payloads.slice(i, i + WINDOW).map((p) => pub.publish('ems/v1/hospital/hosp-demo-b/in', p)),
    );
  return performance.now() - t0;
};

export interface FeedBaselines {
  readonly feedLatencyP50: number;
  readonly feedLatencyP99: number;
  /** Sign + seal + open + verify of one report with the production codec: the crypto on the path. */
  readonly cryptoOnPathP50: number;
  readonly drainPerSecond: number;
  readonly reportPayloadBytes: number;
}

/**
 * Issue 16's figures: a 1 MB attachment submit → opened next to a raw QoS 1 publish of the same bytes;
 * the durable baseline (SQLite FULL insert on each side + QoS 1 publish, no crypto) for the feed's
 * latency and drain; the mass-casualty burst (50 units × 10 reports, each with a photo) to signed
 * acknowledgement and to the board, next to the raw and the durable loops of the same messages; the
 * hospital feed process's RSS idle and after the burst.
 */
export const attachmentAndBurst = async (
  dir: string,
  feed: FeedBaselines,
): Promise<{ figures: Figure[]; ratios: Record<string, number>; notes: string[] }> => {
  const units = burstUnits(UNITS);
  const broker = await MosquittoBroker.create(dir, {
    units: [...units, 'amb-demo-01', 'amb-demo-02'],
    hospitals: ['hosp-demo-a', 'hosp-demo-b'],
    dispatch: [],
  });
  const hospitalLines = (hospitalDir: string, onLine?: (line: string) => void): FeedChild =>
    new FeedChild(
      'receiver-process',
      { ...childEnv(broker, dir), EMS_DIR: hospitalDir, EMS_BENCH: '1' },
      onLine,
    );
  const receiver = hospitalLines(join(dir, 'hospital-a'));
  try {
    const keys = await feedKeys(dir, {
      ...FEED_PRINCIPALS,
      ...Object.fromEntries(units.map((u) => [u, 'ambulance' as const])),
    });
    const endpoint: Endpoint = { url: broker.url, protocolVersion: 5, pki: broker.pki, keys };

    // 1. A 1 MB attachment, submit → opened, assembled and verified at the receiver (own process).
    let completed = 0;
    let doneAt = 0;
    const hospital = hospitalLines(mkdtempSync(join(dir, 'ha-')), (line) => {
      const [word, status, at] = line.split(' ');
      if (word !== 'attachment' || status !== 'complete') return;
      completed += 1;
      doneAt = Number(at);
    });
    await hospital.start();
    const unit = await unitFeed(endpoint, 'amb-demo-01', { dir: mkdtempSync(join(dir, 'ua-')) });
    await unit.feed.start();
    await until(() => unit.link.isUp);
    const report = unwrap(await unit.feed.submitReport('hosp-demo-a', sampleReport(1)));
    const attachment: number[] = [];
    for (let i = 0; i < ATTACHMENT_ROUNDS; i++) {
      const before = completed;
      const t0 = epochNow();
      unwrap(
        await unit.feed.sendAttachment(report.reportId, {
          mediaType: 'image/jpeg',
          category: 'injury',
          bytes: patternJpeg(ATTACHMENT_BYTES, i + 1),
        }),
      );
      await until(() => completed > before);
      attachment.push(doneAt - t0);
    }
    await until(() => unit.feed.pending === 0);
    await unit.close();
    await hospital.stop();
    attachment.sort((a, b) => a - b);

    // Raw: the same 1 MB at QoS 1, publish → received (one packet: it fits the broker's limit).
    const got = gotCounter();
    const sub = new FeedChild('baseline-receiver-process', childEnv(broker, dir), got.onLine);
    await sub.start();
    const pub = connectLink(endpoint, 'amb-demo-02');
    await until(() => pub.isUp);
    const raw: number[] = [];
    const big = patternJpeg(ATTACHMENT_BYTES, 99);
    for (let i = 0; i < ATTACHMENT_ROUNDS; i++) {
      const before = got.count;
      const t0 = epochNow();
      await pub.publish('ems/v1/hospital/hosp-demo-b/in', big);
      await until(() => got.count > before);
      raw.push(got.lastAt - t0);
    }
    raw.sort((a, b) => a - b);

    // Raw loop of the burst's messages: per report, a report-sized and a photo-sized payload.
    const total = UNITS * PER_UNIT;
    const burstPayloads = Array.from({ length: total }, (_, i) => [
      new Uint8Array(feed.reportPayloadBytes).fill(65),
      patternJpeg(BURST_PHOTO, i + 7),
    ]).flat();
    const rawBurstMs = await rawLoop(pub, burstPayloads);
    await until(() => got.count >= ATTACHMENT_ROUNDS + burstPayloads.length);
    await pub.close();
    await sub.stop();

    // 2. The durable baseline: report-sized payloads for latency and drain, the burst's for the burst.
    const durableDir = mkdtempSync(join(dir, 'durable-'));
    const durable = await durableBaseline(
      broker,
      endpoint,
      dir,
      durableDir,
      Array.from({ length: 1000 }, () => new Uint8Array(feed.reportPayloadBytes).fill(66)),
      DURABLE_ROUNDS,
    );
    const durableBurstDir = mkdtempSync(join(dir, 'durable-burst-'));
    const durableBurst = await durableBaseline(broker, endpoint, dir, durableBurstDir, burstPayloads, 1);
    const durableBurstReports = durableBurst.perSecond / 2;

    // 3. The burst, to the hospital feed in its own process (its RSS is the role's, alone).
    mkdirSync(join(dir, 'hospital-a'), { recursive: true });
    await receiver.start();
    await new Promise((r) => setTimeout(r, 3_000));
    const rssIdle = receiver.lastRss;
    const burst = await runBurst({
      endpoint,
      dir,
      units,
      perUnit: PER_UNIT,
      photoBytes: BURST_PHOTO,
      hospital: 'hosp-demo-a',
      timeoutMs: 600_000,
    });
    await until(
      () => receiver.lines.filter((l) => l.startsWith('attachment complete')).length >= total,
      120_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    const rssAfter = receiver.lastRss;
    const shown = receiver.lines.filter((l) => l.startsWith('new '));
    const toBoard = shown
      .map((l) => {
        const [, id, at] = l.split(' ');
        return Number(at) - (burst.submittedAt.get(id ?? '') ?? Number.NaN);
      })
      .sort((a, b) => a - b);
    await burst.close();
    const burstRate = (burst.reports / burst.reportsAckedMs) * 1000;
    const rawBurstRate = (total / rawBurstMs) * 1000;
    const drainRatio = feed.drainPerSecond / durable.perSecond;
    return {
      figures: [
        {
          name: '1 MB attachment submit → opened p50',
          value: percentile(attachment, 50),
          unit: 'ms',
          baseline: 'raw 1 MB QoS 1 publish → received p50',
        },
        {
          name: '1 MB attachment submit → opened p95',
          value: percentile(attachment, 95),
          unit: 'ms',
          baseline: 'raw 1 MB QoS 1 publish → received p95',
        },
        { name: 'raw 1 MB QoS 1 publish → received p50', value: percentile(raw, 50), unit: 'ms' },
        { name: 'raw 1 MB QoS 1 publish → received p95', value: percentile(raw, 95), unit: 'ms' },
        {
          name: 'durable baseline (FULL insert ×2 + QoS 1) p50',
          value: percentile(durable.latency, 50),
          unit: 'ms',
        },
        {
          name: 'durable baseline (FULL insert ×2 + QoS 1) p99',
          value: percentile(durable.latency, 99),
          unit: 'ms',
        },
        { name: 'durable baseline loop (window 20)', value: durable.perSecond, unit: 'msgs/s' },
        {
          name: `burst ${UNITS}×${PER_UNIT} with photos: reports to signed ack`,
          value: burstRate,
          unit: 'reports/s',
          baseline: 'raw QoS 1 loop of the same messages',
        },
        { name: 'burst: submit → on the board p50', value: percentile(toBoard, 50), unit: 'ms' },
        { name: 'burst: submit → on the board p99', value: percentile(toBoard, 99), unit: 'ms' },
        { name: 'burst: every outbox empty (photos acknowledged)', value: burst.drainedMs / 1000, unit: 's' },
        {
          name: 'burst: reports on the board (each once)',
          value: new Set(shown.map((l) => l.split(' ')[1])).size,
          unit: 'reports',
        },
        { name: 'raw QoS 1 loop of the burst messages (window 20)', value: rawBurstRate, unit: 'reports/s' },
        {
          name: 'durable loop of the burst messages (window 20)',
          value: durableBurstReports,
          unit: 'reports/s',
        },
        { name: 'hospital feed process RSS idle', value: rssIdle / 2 ** 20, unit: 'MiB' },
        { name: 'hospital feed process RSS after the burst', value: rssAfter / 2 ** 20, unit: 'MiB' },
      ],
      ratios: {
        '1 MB attachment p50 / raw p50': percentile(attachment, 50) / percentile(raw, 50),
        'latency p50 feed / durable baseline (goal ≤ 1.3)':
          feed.feedLatencyP50 / percentile(durable.latency, 50),
        'latency p99 feed / durable baseline (goal ≤ 1.3)':
          feed.feedLatencyP99 / percentile(durable.latency, 99),
        // Not the goal: how far the feed is from the durable path plus its own envelope crypto.
        'latency p50 feed / (durable baseline + envelope crypto)':
          feed.feedLatencyP50 / (percentile(durable.latency, 50) + feed.cryptoOnPathP50),
        'drain feed / durable baseline (goal ≥ 0.8)': drainRatio,
        'burst reports/s / raw loop': burstRate / rawBurstRate,
        'burst reports/s / durable loop (goal ≥ 0.8)': burstRate / durableBurstReports,
      },
      notes: [
        `burst: ${UNITS} units (each its own outbox, link and key, in the bench process) × ${PER_UNIT} reports, each followed by a ${BURST_PHOTO}-byte photo, all submitted at once; the hospital feed (receiver + inbox, without the HTTP gateway) in its own process`,
        'durable baseline: the payload inserted in a WAL + synchronous FULL SQLite file on the sender, published at QoS 1, inserted the same way at the receiver (a process of its own) before its PUBACK; no signing, sealing or acknowledgement envelope',
        'burst baselines carry the same messages (a report-sized and a photo-sized payload per report) with the feed’s window of 20; their reports/s count one report per pair',
        'RSS idle: the hospital feed process 3 s after it subscribed; after the burst: once every photo was assembled',
      ],
    };
  } finally {
    await receiver.stop();
    await broker.stop();
  }
};
