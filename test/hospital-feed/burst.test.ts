import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { burstUnits, runBurst } from '../support/feed/burst.js';
import { hospitalFeed, type Endpoint } from '../support/feed/harness.js';
import { feedKeys } from '../support/feed/keys.js';
import { MosquittoBroker } from '../support/feed/mosquitto.js';

/** Scaled down for the suite (the benchmark runs 50 × 10): 20 units × 5 reports, each with a photo. */
const UNITS = burstUnits(20);
const PER_UNIT = 5;
let broker: MosquittoBroker;
let endpoint: Endpoint;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feed-burst-'));
  broker = await MosquittoBroker.create(dir, { units: UNITS, hospitals: ['hosp-demo-a'], dispatch: [] });
  const keys = await feedKeys(dir, {
    ...Object.fromEntries(UNITS.map((u) => [u, 'ambulance' as const])),
    'hosp-demo-a': 'hospital',
  });
  endpoint = { url: broker.url, protocolVersion: 5, pki: broker.pki, keys };
}, 60_000);

afterAll(async () => {
  await broker.stop();
});

it(
  'a mass-casualty burst: every report and photo arrives, each report on the board once, the board readable throughout',
  { timeout: 240_000 },
  async () => {
    const hospital = await hospitalFeed(endpoint, 'hosp-demo-a', mkdtempSync(join(dir, 'h-')));
    const shown: string[] = [];
    hospital.receiver.on('board', (e) => void (e.type === 'report-new' && shown.push(e.report.reportId)));
    const photos: string[] = [];
    hospital.receiver.on('attachment', (a) => void photos.push(`${a.status}:${a.reportId}`));
    await hospital.receiver.start();
    // The desk reads its board while the burst drains: every read answers, and some come mid-burst.
    const reads: number[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        reads.push(hospital.receiver.board().length);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const burst = await runBurst({
      endpoint,
      dir,
      units: UNITS,
      perUnit: PER_UNIT,
      photoBytes: 60_000,
      hospital: 'hosp-demo-a',
      timeoutMs: 180_000,
    });
    reading = false;
    await reader;
    const total = UNITS.length * PER_UNIT;
    expect(burst.reports).toBe(total);
    expect(shown).toHaveLength(total);
    expect(new Set(shown)).toEqual(new Set(burst.submittedAt.keys()));
    expect(hospital.receiver.board()).toHaveLength(total);
    expect(photos.filter((p) => p.startsWith('complete:'))).toHaveLength(total);
    expect(new Set(photos.map((p) => p.split(':')[1]))).toEqual(new Set(burst.submittedAt.keys()));
    expect(reads.some((n) => n > 0 && n < total)).toBe(true);
    expect(hospital.counts.rejected).toEqual({});
    process.stdout.write(
      `burst ${UNITS.length}×${PER_UNIT}: reports acknowledged in ${Math.round(burst.reportsAckedAt - burst.startedAt)} ms, drained in ${Math.round(burst.drainedAt - burst.startedAt)} ms\n`,
    );
    await burst.close();
    await hospital.close();
  },
);
