import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { patternJpeg } from './attachment-sample.js';
import { Changes } from './changes.js';
import { epochNow, unitFeed, unwrap, type Endpoint } from './harness.js';
import { sampleReport } from './sample.js';

/** The burst's ambulance units: `amb-burst-01` … (certificates and keys made for exactly these). */
export const burstUnits = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `amb-burst-${String(i + 1).padStart(2, '0')}`);

export interface BurstOptions {
  readonly endpoint: Endpoint;
  readonly dir: string;
  readonly units: readonly string[];
  readonly perUnit: number;
  readonly photoBytes: number;
  readonly hospital: string;
  readonly timeoutMs: number;
}

/** Times are `epochNow` (ms since the epoch, fractional), so processes' figures can be put together. */
export interface BurstResult {
  /** Reports submitted (every one accepted into its unit's outbox). */
  readonly reports: number;
  readonly attachments: number;
  /** Per report, when it was submitted, by report id. */
  readonly submittedAt: ReadonlyMap<string, number>;
  readonly startedAt: number;
  /** When every report's signed acknowledgement had reached its unit. */
  readonly reportsAckedAt: number;
  /** When every unit's outbox was empty (every chunk acknowledged too). */
  readonly drainedAt: number;
}

export interface PreparedBurst {
  /** Submits every unit's reports, each followed by its photo, all units at once. */
  readonly go: () => Promise<BurstResult>;
  readonly close: () => Promise<void>;
}

/**
 * A mass-casualty burst (issue 16, item 6): `units` ambulance units, each with its own outbox, link
 * and key, each sending `perUnit` reports to `hospital`, each report followed by one photo of
 * `photoBytes`. Resolves once every unit's link is up and its photos exist, ready to `go`.
 */
export const prepareBurst = async (o: BurstOptions): Promise<PreparedBurst> => {
  const feeds = await Promise.all(
    o.units.map((unit) => unitFeed(o.endpoint, unit, { dir: mkdtempSync(join(o.dir, `${unit}-`)) })),
  );
  const changes = new Changes();
  const acknowledged = new Set<string>();
  for (const f of feeds) {
    f.link.on('up', changes.changed);
    f.feed.on('attachment', changes.changed);
    f.feed.on('report', (view) => {
      // `received` or any later state: the hospital's signed acknowledgement reached the unit.
      if (!['queued', 'sent', 'at-broker'].includes(view.state)) acknowledged.add(view.reportId);
      changes.changed();
    });
  }
  await Promise.all(feeds.map((f) => f.feed.start()));
  await changes.until(() => feeds.every((f) => f.link.isUp), 30_000, 'unit links');
  // The photos exist before the burst, as on the tablets (taken on the way), and as the baselines'
  // payloads are made before their loops: making them is not the feed's time.
  const photos = feeds.map((_, u) =>
    Array.from({ length: o.perUnit }, (_, i) => patternJpeg(o.photoBytes, u * 1000 + i + 1)),
  );
  const go = async (): Promise<BurstResult> => {
    const submittedAt = new Map<string, number>();
    const startedAt = epochNow();
    let attachments = 0;
    await Promise.all(
      feeds.map(async (f, u) => {
        for (let i = 0; i < o.perUnit; i++) {
          const at = epochNow();
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
    const total = o.units.length * o.perUnit;
    await changes.until(() => acknowledged.size >= total, o.timeoutMs, 'every report acknowledged');
    const reportsAckedAt = epochNow();
    await changes.until(() => feeds.every((f) => f.feed.pending === 0), o.timeoutMs, 'every outbox empty');
    return {
      reports: submittedAt.size,
      attachments,
      submittedAt,
      startedAt,
      reportsAckedAt,
      drainedAt: epochNow(),
    };
  };
  return { go, close: async () => void (await Promise.all(feeds.map((f) => f.close()))) };
};

/** `prepareBurst` and `go` in one: the burst in this process (the suite's burst test). */
export const runBurst = async (o: BurstOptions): Promise<BurstResult & PreparedBurst> => {
  const prepared = await prepareBurst(o);
  return { ...(await prepared.go()), ...prepared };
};
