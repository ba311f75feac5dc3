import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { patternJpeg } from './attachment-sample.js';
import { unitFeed, unwrap, type Endpoint } from './harness.js';
import { sampleReport } from './sample.js';

/** The burst's ambulance units: `amb-burst-01` … (certificates and keys made for exactly these). */
export const burstUnits = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `amb-burst-${String(i + 1).padStart(2, '0')}`);

export interface BurstResult {
  /** Reports submitted (every one accepted into its unit's outbox). */
  readonly reports: number;
  readonly attachments: number;
  /** Per report, when it was submitted (ms since the epoch), by report id. */
  readonly submittedAt: ReadonlyMap<string, number>;
  /** ms from the first submit until every report's signed acknowledgement reached its unit. */
  readonly reportsAckedMs: number;
  /** ms from the first submit until every unit's outbox was empty (every chunk acknowledged too). */
  readonly drainedMs: number;
  readonly close: () => Promise<void>;
}

const until = async (probe: () => boolean, timeoutMs: number, label: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`burst: timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * A mass-casualty burst (issue 16, item 6): `units` ambulance units, each with its own outbox, link
 * and key, each sending `perUnit` reports to `hospital`, each report followed by one photo of
 * `photoBytes`, all at once. Resolves once every unit's outbox is empty.
 */
export const runBurst = async (o: {
  readonly endpoint: Endpoint;
  readonly dir: string;
  readonly units: readonly string[];
  readonly perUnit: number;
  readonly photoBytes: number;
  readonly hospital: string;
  readonly timeoutMs: number;
}): Promise<BurstResult> => {
  const feeds = await Promise.all(
    o.units.map((unit) => unitFeed(o.endpoint, unit, { dir: mkdtempSync(join(o.dir, `${unit}-`)) })),
  );
  await Promise.all(feeds.map((f) => f.feed.start()));
  await until(() => feeds.every((f) => f.link.isUp), 30_000, 'unit links');
  // The photos exist before the burst, as on the tablets (taken on the way), and as the baselines'
  // payloads are made before their loops: making them is not the feed's time.
  const photos = feeds.map((_, u) =>
    Array.from({ length: o.perUnit }, (_, i) => patternJpeg(o.photoBytes, u * 1000 + i + 1)),
  );
  const submittedAt = new Map<string, number>();
  const t0 = Date.now();
  let attachments = 0;
  await Promise.all(
    feeds.map(async (f, u) => {
      for (let i = 0; i < o.perUnit; i++) {
        const at = Date.now();
        const sample = sampleReport(u * 1000 + i);
        // A report speaks for the unit that signs it (the hospital refuses `wrong-unit`).
        const input = { ...sample, crew: { ...sample.crew, unitId: o.units[u] ?? '' } };
        const report = unwrap(await f.feed.submitReport(o.hospital, input));
        submittedAt.set(report.reportId, at);
        unwrap(
          await f.feed.sendAttachment(report.reportId, {
            mediaType: 'image/jpeg',
            category: 'injury',
            bytes: photos[u]?.[i] ?? new Uint8Array(0),
          }),
        );
        attachments += 1;
      }
    }),
  );
  await until(
    () => feeds.every((f) => f.feed.reports().every((r) => r.state === 'received')),
    o.timeoutMs,
    'every report acknowledged',
  );
  const reportsAckedMs = Date.now() - t0;
  await until(() => feeds.every((f) => f.feed.pending === 0), o.timeoutMs, 'every outbox empty');
  const drainedMs = Date.now() - t0;
  return {
    reports: submittedAt.size,
    attachments,
    submittedAt,
    reportsAckedMs,
    drainedMs,
    close: async () => void (await Promise.all(feeds.map((f) => f.close()))),
  };
};
