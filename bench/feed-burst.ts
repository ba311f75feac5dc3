import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { patternJpeg } from '../test/support/feed/attachment-sample.js';
import { burstUnits } from '../test/support/feed/burst.js';
import { Changes } from '../test/support/feed/changes.js';
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

/**
 * The burst and its two baselines run this many times in one bench run, in turn (raw, durable, feed),
 * each round's ratio against its own durable burst; the goal's figure is their median. One burst is
 * 2–4 s on 2 shared cores, and one round's ratio moved 0.41–0.86× between runs of the same build
 * (docs/decisions.md), so one round measures the machine's moment as much as the feed.
 */
const BURST_ROUNDS = 3;

const TIMEOUT_MS = 300_000;
/** The burst's units run in this many processes (burst-process.ts), as do the baselines' senders. */
const SENDER_PROCESSES = 5;

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
  const changes = new Changes();
  const stored = gotCounter(changes.changed);
  const receiver = new FeedChild(
    'baseline-receiver-process',
    { ...childEnv(broker, keysDir), EMS_DURABLE_FILE: join(dir, 'durable-receiver.sqlite') },
    stored.onLine,
  );
  await receiver.start();
  const pub = connectLink(endpoint, 'amb-demo-02');
  pub.on('up', changes.changed);
  await changes.until(() => pub.isUp, TIMEOUT_MS, 'the sender link');
  const first = payloads[0] ?? new Uint8Array(1);
  const latency: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const before = stored.count;
    const t0 = epochNow();
    store(first);
    await pub.publish('ems/v1/hospital/hosp-demo-b/in', first);
    await changes.until(() => stored.count > before, TIMEOUT_MS, 'the stored payload');
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
  await changes.until(() => stored.count - start >= payloads.length, TIMEOUT_MS, 'every payload stored');
  const perSecond = (payloads.length / (performance.now() - t1)) * 1000;
  await pub.close();
  await receiver.stop();
  return { latency: latency.sort((a, b) => a - b), perSecond };
};

type BurstMode = 'feed' | 'durable' | 'raw';

/**
 * The burst's senders (burst-process.ts): the units split over SENDER_PROCESSES processes, each
 * started and ready (links up, photos made) before all are told to go at once. Resolves with the
 * processes and the time they were told.
 */
const burstSenders = async (
  broker: MosquittoBroker,
  dir: string,
  units: readonly string[],
  mode: BurstMode,
  o: { readonly hospital: string; readonly reportBytes: number; readonly onLine?: (line: string) => void },
): Promise<{ readonly senders: FeedChild[]; readonly startedAt: number }> => {
  const share = Math.ceil(units.length / SENDER_PROCESSES);
  const senders = Array.from({ length: SENDER_PROCESSES }, (_, p) => {
    const senderDir = mkdtempSync(join(dir, `${mode}-senders-`));
    return new FeedChild(
      'burst-process',
      {
        ...childEnv(broker, dir),
        EMS_DIR: senderDir,
        EMS_BURST_MODE: mode,
        EMS_BURST_UNITS: units.slice(p * share, (p + 1) * share).join(','),
        EMS_BURST_PER_UNIT: String(PER_UNIT),
        EMS_BURST_PHOTO: String(BURST_PHOTO),
        EMS_BURST_REPORT: String(o.reportBytes),
        EMS_BURST_HOSPITAL: o.hospital,
      },
      o.onLine,
    );
  });
  await Promise.all(senders.map((s) => s.start()));
  const startedAt = epochNow();
  for (const s of senders) s.send('go');
  return { senders, startedAt };
};

/**
 * A baseline of the burst: the same units, processes and messages (a report-sized payload and a
 * photo per report), published at QoS 1 with the feed's window per unit; `durable` inserts each
 * payload into the unit's SQLite file first, and the receiver (a process of its own) each into its
 * own before its PUBACK. Reports per second from go until the receiver had every message and every
 * sender every PUBACK.
 */
const burstBaseline = async (
  broker: MosquittoBroker,
  dir: string,
  units: readonly string[],
  mode: 'durable' | 'raw',
  reportBytes: number,
): Promise<number> => {
  const changes = new Changes();
  const got = gotCounter(changes.changed);
  const receiverDir = mkdtempSync(join(dir, `${mode}-receiver-`));
  const receiver = new FeedChild(
    'baseline-receiver-process',
    {
      ...childEnv(broker, dir),
      ...(mode === 'durable' ? { EMS_DURABLE_FILE: join(receiverDir, 'durable-receiver.sqlite') } : {}),
    },
    got.onLine,
  );
  await receiver.start();
  let sent = 0;
  let lastSentAt = 0;
  const { senders, startedAt } = await burstSenders(broker, dir, units, mode, {
    hospital: 'hosp-demo-b',
    reportBytes,
    onLine: (line) => {
      if (!line.startsWith('sent ')) return;
      sent += 1;
      lastSentAt = Math.max(lastSentAt, Number(line.slice(5)));
      changes.changed();
    },
  });
  const total = units.length * PER_UNIT;
  await changes.until(
    () => sent === senders.length && got.count >= 2 * total,
    TIMEOUT_MS,
    `the ${mode} burst`,
  );
  const endedAt = Math.max(lastSentAt, got.lastAt);
  await Promise.all([...senders, receiver].map((c) => c.stop()));
  return (total / (endedAt - startedAt)) * 1000;
};

interface FeedBurst {
  readonly perSecond: number;
  readonly toBoard: readonly number[];
  readonly drainedSeconds: number;
  readonly shownOnce: number;
  readonly shownLines: number;
  readonly rssIdle: number;
  readonly rssAfter: number;
}

/**
 * One mass-casualty burst to a hospital feed in a process of its own, started fresh with an empty
 * data directory (its RSS is the role's, alone): every unit's reports and photos submitted at once;
 * reports per second from go until every signed acknowledgement reached its unit.
 */
const feedBurst = async (
  broker: MosquittoBroker,
  dir: string,
  units: readonly string[],
  reportBytes: number,
): Promise<FeedBurst> => {
  const changes = new Changes();
  let photosComplete = 0;
  const receiver = new FeedChild(
    'receiver-process',
    { ...childEnv(broker, dir), EMS_DIR: mkdtempSync(join(dir, 'hospital-a-')), EMS_BENCH: '1' },
    (line) => {
      if (line.startsWith('attachment complete')) photosComplete += 1;
      changes.changed();
    },
  );
  try {
    await receiver.start();
    await new Promise((r) => setTimeout(r, 3_000));
    const rssIdle = receiver.lastRss;
    const submittedAt = new Map<string, number>();
    let acked = 0;
    let drained = 0;
    let lastAckedAt = 0;
    let lastDrainedAt = 0;
    const { senders, startedAt } = await burstSenders(broker, dir, units, 'feed', {
      hospital: 'hosp-demo-a',
      reportBytes,
      onLine: (line) => {
        const [word, a, b] = line.split(' ');
        if (word === 'submitted') submittedAt.set(a ?? '', Number(b));
        else if (word === 'acked') {
          acked += 1;
          lastAckedAt = Math.max(lastAckedAt, Number(a));
        } else if (word === 'drained') {
          drained += 1;
          lastDrainedAt = Math.max(lastDrainedAt, Number(a));
        }
        changes.changed();
      },
    });
    await changes.until(
      () => acked === senders.length && drained === senders.length,
      TIMEOUT_MS,
      'every report acknowledged and every outbox empty',
    );
    const total = units.length * PER_UNIT;
    await changes.until(() => photosComplete >= total, TIMEOUT_MS, 'every photo assembled');
    await new Promise((r) => setTimeout(r, 1_000));
    const rssAfter = receiver.lastRss;
    const shown = receiver.lines.filter((l) => l.startsWith('new '));
    const toBoard = shown
      .map((l) => {
        const [, id, at] = l.split(' ');
        return Number(at) - (submittedAt.get(id ?? '') ?? Number.NaN);
      })
      .sort((a, b) => a - b);
    await Promise.all(senders.map((s) => s.stop()));
    return {
      perSecond: (submittedAt.size / (lastAckedAt - startedAt)) * 1000,
      toBoard,
      drainedSeconds: (lastDrainedAt - startedAt) / 1000,
      shownOnce: new Set(shown.map((l) => l.split(' ')[1])).size,
      shownLines: shown.length,
      rssIdle,
      rssAfter,
    };
  } finally {
    await receiver.stop();
  }
};

/** The middle value (the lower of the two middle ones for an even count). */
const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

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
  const changes = new Changes();
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
      changes.changed();
    });
    await hospital.start();
    const unit = await unitFeed(endpoint, 'amb-demo-01', { dir: mkdtempSync(join(dir, 'ua-')) });
    unit.link.on('up', changes.changed);
    unit.feed.on('attachment', changes.changed);
    await unit.feed.start();
    await changes.until(() => unit.link.isUp, TIMEOUT_MS, 'the unit link');
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
      await changes.until(() => completed > before, TIMEOUT_MS, 'the attachment');
      attachment.push(doneAt - t0);
    }
    await changes.until(() => unit.feed.pending === 0, TIMEOUT_MS, 'the unit outbox');
    await unit.close();
    await hospital.stop();
    attachment.sort((a, b) => a - b);

    // Raw: the same 1 MB at QoS 1, publish → received (one packet: it fits the broker's limit).
    const got = gotCounter(changes.changed);
    const sub = new FeedChild('baseline-receiver-process', childEnv(broker, dir), got.onLine);
    await sub.start();
    const pub = connectLink(endpoint, 'amb-demo-02');
    pub.on('up', changes.changed);
    await changes.until(() => pub.isUp, TIMEOUT_MS, 'the raw sender link');
    const raw: number[] = [];
    const big = patternJpeg(ATTACHMENT_BYTES, 99);
    for (let i = 0; i < ATTACHMENT_ROUNDS; i++) {
      const before = got.count;
      const t0 = epochNow();
      await pub.publish('ems/v1/hospital/hosp-demo-b/in', big);
      await changes.until(() => got.count > before, TIMEOUT_MS, 'the raw 1 MB');
      raw.push(got.lastAt - t0);
    }
    raw.sort((a, b) => a - b);
    await pub.close();
    await sub.stop();

    // 2. The durable baseline of one sender (report-sized payloads) for the feed's latency and drain.
    const durable = await durableBaseline(
      broker,
      endpoint,
      dir,
      mkdtempSync(join(dir, 'durable-')),
      Array.from({ length: 1000 }, () => new Uint8Array(feed.reportPayloadBytes).fill(66)),
      DURABLE_ROUNDS,
    );

    // 3. The burst and its baselines, in turn, BURST_ROUNDS times: the same units, sender processes and
    // messages, raw and durable, then to the hospital feed in its own process.
    const rounds: { raw: number; durable: number; feed: FeedBurst }[] = [];
    for (let round = 0; round < BURST_ROUNDS; round++) {
      const rawRate = await burstBaseline(broker, dir, units, 'raw', feed.reportPayloadBytes);
      const durableRate = await burstBaseline(broker, dir, units, 'durable', feed.reportPayloadBytes);
      const fed = await feedBurst(broker, dir, units, feed.reportPayloadBytes);
      rounds.push({ raw: rawRate, durable: durableRate, feed: fed });
    }
    const first = rounds[0]?.feed;
    if (first === undefined) throw new Error('no burst round');
    const burstRatios = rounds.map((r) => r.feed.perSecond / r.durable);
    const toBoard = rounds.flatMap((r) => r.feed.toBoard).sort((a, b) => a - b);
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
          name: `burst ${UNITS}×${PER_UNIT} with photos: reports to signed ack (median of ${BURST_ROUNDS})`,
          value: median(rounds.map((r) => r.feed.perSecond)),
          unit: 'reports/s',
          baseline: 'durable burst of the same messages',
        },
        {
          name: 'burst: submit → on the board p50 (every round)',
          value: percentile(toBoard, 50),
          unit: 'ms',
        },
        {
          name: 'burst: submit → on the board p99 (every round)',
          value: percentile(toBoard, 99),
          unit: 'ms',
        },
        {
          name: 'burst: every outbox empty (photos acknowledged), median',
          value: median(rounds.map((r) => r.feed.drainedSeconds)),
          unit: 's',
        },
        {
          name: 'burst: reports on the board (each once), fewest in a round',
          value: Math.min(...rounds.map((r) => r.feed.shownOnce)),
          unit: 'reports',
        },
        {
          name: 'burst: reports on the board (lines), most in a round',
          value: Math.max(...rounds.map((r) => r.feed.shownLines)),
          unit: 'reports',
        },
        {
          name: 'raw QoS 1 burst of the same messages (median)',
          value: median(rounds.map((r) => r.raw)),
          unit: 'reports/s',
        },
        {
          name: 'durable burst of the same messages (median)',
          value: median(rounds.map((r) => r.durable)),
          unit: 'reports/s',
        },
        { name: 'hospital feed process RSS idle', value: first.rssIdle / 2 ** 20, unit: 'MiB' },
        { name: 'hospital feed process RSS after the burst', value: first.rssAfter / 2 ** 20, unit: 'MiB' },
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
        'burst reports/s / raw burst (median of the rounds)': median(
          rounds.map((r) => r.feed.perSecond / r.raw),
        ),
        'burst reports/s / durable burst (goal ≥ 0.8; median of the rounds)': median(burstRatios),
        ...Object.fromEntries(burstRatios.map((r, i) => [`burst / durable burst, round ${i + 1}`, r])),
      },
      notes: [
        `burst: ${UNITS} units (each its own outbox, link and key) × ${PER_UNIT} reports, each followed by a ${BURST_PHOTO}-byte photo, all submitted at once; the units split over ${SENDER_PROCESSES} processes (as 50 tablets, their SQLite commits do not wait for each other's); the hospital feed (receiver + inbox, without the HTTP gateway) in its own process`,
        `burst baselines: the same units in the same ${SENDER_PROCESSES} processes send the same messages (a report-sized and a photo-sized payload per report) at QoS 1 with the feed's window of 20 per unit, the durable one inserting each into the unit's SQLite file (WAL, FULL) first and the receiver each into its own; measured until the receiver had every message and every sender every PUBACK, the feed until every signed acknowledgement reached its unit`,
        'durable baseline (latency, drain): the payload inserted in a WAL + synchronous FULL SQLite file on the sender, published at QoS 1, inserted the same way at the receiver (a process of its own) before its PUBACK; no signing, sealing or acknowledgement envelope',
        `burst rounds: raw, durable, then the feed, ${BURST_ROUNDS} times; each round's feed burst against that round's durable burst, the goal's ratio their median; the hospital feed process started afresh (empty data directory) for each round`,
        'RSS idle: the first round’s hospital feed process 3 s after it subscribed; after the burst: once every photo was assembled',
      ],
    };
  } finally {
    await broker.stop();
  }
};
