import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SeededRandom } from '../../src/sim/index.js';
import { SqliteInboxStore, SqliteOutboxStore } from '../../src/hospital-feed/index.js';
import { unwrap } from '../support/feed/harness.js';
import { feedKeys } from '../support/feed/keys.js';
import { MosquittoBroker } from '../support/feed/mosquitto.js';
import { FeedProcess } from '../support/feed/process.js';
import { waitFor } from '../support/wait.js';

const TOTAL = 1_000;
const processes: FeedProcess[] = [];
let broker: MosquittoBroker | undefined;

afterAll(async () => {
  for (const p of processes) await p.kill();
  await broker?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it(
  'loses nothing and shows each report once while broker, gateway and receiver are killed -9',
  { timeout: 240_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feed-kill-'));
    broker = await MosquittoBroker.create(dir, {
      units: ['amb-demo-01'],
      hospitals: ['hosp-demo-a'],
      dispatch: [],
    });
    // Real key files and a signed directory; each child process reads them (the real codec).
    await feedKeys(dir);
    const common = { EMS_URL: broker.url, EMS_PROTOCOL: '5', EMS_PKI: broker.pki.dir, EMS_KEYS: dir };
    mkdirSync(join(dir, 'unit'));
    mkdirSync(join(dir, 'hospital'));
    const gateway = new FeedProcess('gateway-process', {
      ...common,
      EMS_DIR: join(dir, 'unit'),
      EMS_TOTAL: String(TOTAL),
      EMS_PACE_MS: '15',
    });
    const receiver = new FeedProcess('receiver-process', { ...common, EMS_DIR: join(dir, 'hospital') });
    processes.push(gateway, receiver);
    receiver.start();
    gateway.start();

    const accepted = (): number =>
      Math.max(
        0,
        ...gateway.runs
          .flat()
          .map((l) => /^accepted (\d+)$/.exec(l)?.[1])
          .map(Number)
          .filter(Number.isFinite),
      );
    const random = new SeededRandom(6);
    const kills = { broker: 0, gateway: 0, receiver: 0 };
    // Faults at random moments while reports are being submitted.
    while (accepted() < TOTAL) {
      await sleep(1_000 + random.next() * 2_500);
      const victim = (['broker', 'gateway', 'receiver'] as const)[Math.floor(random.next() * 3)] ?? 'broker';
      kills[victim]++;
      if (victim === 'broker') await broker.kill();
      else await (victim === 'gateway' ? gateway : receiver).kill();
      await sleep(200 + random.next() * 800);
      if (victim === 'broker') await broker.start();
      else (victim === 'gateway' ? gateway : receiver).start();
    }
    await waitFor(
      () => gateway.current.includes('done') || undefined,
      'every report acknowledged',
      120_000,
      200,
    );

    const outbox = unwrap(SqliteOutboxStore.open(join(dir, 'unit', 'outbox.sqlite')));
    const inbox = unwrap(SqliteInboxStore.open(join(dir, 'hospital', 'inbox.sqlite')));
    const sent = new Set(outbox.reports().map((r) => r.reportId));
    const received = inbox.reports();
    const shown = receiver.runs
      .flat()
      .filter((l) => l.startsWith('new '))
      .map((l) => l.slice(4));
    const duplicates = receiver.runs
      .map((run) =>
        Math.max(
          0,
          ...run
            .map((l) => /^dup (\d+)$/.exec(l)?.[1])
            .map(Number)
            .filter(Number.isFinite),
        ),
      )
      .reduce((a, b) => a + b, 0);
    process.stdout.write(
      `nothing-lost: sent ${sent.size} / received ${received.length} / duplicates suppressed ${duplicates} / ` +
        `shown twice ${shown.length - new Set(shown).size} / kills ${JSON.stringify(kills)}\n`,
    );
    outbox.close();
    inbox.close();

    expect(sent.size).toBe(TOTAL);
    expect(received).toHaveLength(TOTAL);
    expect(new Set(received.map((r) => r.reportId))).toEqual(sent);
    expect(received.every((r) => r.status === 'active' && r.body !== undefined)).toBe(true);
    // Each report announced to the board at most once across all receiver incarnations.
    expect(shown.length).toBe(new Set(shown).size);
    expect(kills.broker + kills.gateway + kills.receiver).toBeGreaterThan(3);
  },
);
