import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SqliteInboxStore } from '../../src/hospital-feed/index.js';
import { unitFeed, unwrap } from '../support/feed/harness.js';
import { feedKeys } from '../support/feed/keys.js';
import { MosquittoBroker } from '../support/feed/mosquitto.js';
import { FeedProcess } from '../support/feed/process.js';
import { sampleReport } from '../support/feed/sample.js';
import { waitFor } from '../support/wait.js';

const REPORTS = 30;
const processes: FeedProcess[] = [];
let broker: MosquittoBroker | undefined;

afterAll(async () => {
  for (const p of processes) await p.kill();
  await broker?.stop();
});

const shownIn = (run: readonly string[]): string[] =>
  run.filter((l) => l.startsWith('new ')).map((l) => l.slice('new '.length));

it(
  'group commit: a kill -9 inside a batch of reports loses none and shows none twice (real Mosquitto)',
  { timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feed-batch-'));
    broker = await MosquittoBroker.create(dir, {
      units: ['amb-demo-01'],
      hospitals: ['hosp-demo-a'],
      dispatch: [],
    });
    const keys = await feedKeys(dir);
    const hospitalDir = join(dir, 'hospital');
    mkdirSync(hospitalDir);
    const common = { EMS_URL: broker.url, EMS_PROTOCOL: '5', EMS_PKI: broker.pki.dir, EMS_KEYS: dir };
    // 1. The hospital subscribes once (its persistent session), then is away while reports come in.
    const first = new FeedProcess('receiver-process', { ...common, EMS_DIR: hospitalDir });
    processes.push(first);
    first.start();
    await waitFor(() => first.current.includes('ready'), 'receiver ready', 30_000);
    await first.kill();
    const unitDir = mkdtempSync(join(dir, 'unit-'));
    const unit = await unitFeed(
      { url: broker.url, protocolVersion: 5, pki: broker.pki, keys },
      'amb-demo-01',
      {
        dir: unitDir,
      },
    );
    await unit.feed.start();
    const ids: string[] = [];
    for (let i = 0; i < REPORTS; i++)
      ids.push(unwrap(await unit.feed.submitReport('hosp-demo-a', sampleReport(i))).reportId);
    await waitFor(
      () => unit.feed.reports().every((r) => r.state === 'at-broker'),
      'every report at the broker',
      30_000,
    );

    // 2. It comes back: the broker hands it the queued reports together, and it dies (SIGKILL) inside
    // the first inbox transaction holding at least two of them, after storing them, before the commit.
    const dying = new FeedProcess('receiver-process', {
      ...common,
      EMS_DIR: hospitalDir,
      EMS_DIE_IN_BATCH: '2',
    });
    processes.push(dying);
    dying.start();
    await waitFor(() => dying.ended, 'receiver killed in its batch', 30_000);
    const line = dying.current.find((l) => l.startsWith('dying in batch '));
    expect(line).toBeDefined();
    const batch = (line ?? '').slice('dying in batch '.length).split(',');
    // A real batch: several reports in one transaction (mqtt.js alone hands over one at a time).
    expect(batch.length).toBeGreaterThanOrEqual(2);
    // Nothing of the batch was committed, shown or acknowledged.
    expect(shownIn(dying.current).filter((id) => batch.includes(id))).toEqual([]);
    const during = unwrap(SqliteInboxStore.open(join(hospitalDir, 'inbox.sqlite')));
    expect(during.reports().filter((r) => batch.includes(r.reportId))).toEqual([]);
    during.close();
    // Not acknowledged: each is at the broker, or being published again after its acknowledgement wait
    // (FAST_POLICY waits 2 s, less than a loaded machine may take to start the dying receiver).
    expect(
      unit.feed
        .reports()
        .filter((r) => batch.includes(r.reportId) && r.state !== 'at-broker' && r.state !== 'sent'),
    ).toEqual([]);

    // 3. Restarted: every report arrives and is acknowledged; each was shown once across all runs.
    const again = new FeedProcess('receiver-process', { ...common, EMS_DIR: hospitalDir });
    processes.push(again);
    again.start();
    await waitFor(
      () => unit.feed.pending === 0 && unit.feed.reports().every((r) => r.state === 'received'),
      'every report acknowledged',
      60_000,
    );
    const shown = [...shownIn(first.current), ...shownIn(dying.current), ...shownIn(again.current)];
    expect(shown.length).toBe(new Set(shown).size);
    expect(new Set(shown)).toEqual(new Set(ids));
    await unit.close();
    await again.kill();
    const inbox = unwrap(SqliteInboxStore.open(join(hospitalDir, 'inbox.sqlite')));
    const stored = inbox.reports();
    inbox.close();
    expect(stored).toHaveLength(REPORTS);
    expect(new Set(stored.map((r) => r.reportId))).toEqual(new Set(ids));
  },
);
