import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteInboxStore } from '../../src/hospital-feed/index.js';
import { sampleReport } from '../support/feed/sample.js';
import { unwrap } from '../support/feed/harness.js';

/** Issue 12, L7: a purged report is gone from the inbox's bytes, in the database and in its -wal. */
describe('the inbox at rest', () => {
  it('leaves no trace of a purged report in the database file or its -wal', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'feed-inbox-')), 'inbox.sqlite');
    const inbox = unwrap(SqliteInboxStore.open(file));
    // A marker no page would hold by chance, in the clinical free text.
    const marker = 'PURGE-MARKER-7f3c9a';
    const reports = [1, 2, 3].map((n) => ({
      ...sampleReport(n, 1_000),
      reportId: `report-000${n}`,
      atmist: { ...sampleReport(n, 1_000).atmist, mechanism: `${marker} fell from a ladder` },
    }));
    for (const [i, body] of reports.entries())
      unwrap(
        inbox.receive({
          messageId: `message-000${i}`,
          unitId: 'amb-demo-01',
          unitName: 'test amb-demo-01',
          sequence: 1,
          message: { kind: 'report', body },
          now: 1_000,
        }),
      );
    const bytesOf = (path: string): string => (existsSync(path) ? readFileSync(path).toString('latin1') : '');
    // Stored: the marker is on disk (in the -wal before a checkpoint), so the check below can fail.
    expect(bytesOf(file) + bytesOf(`${file}-wal`)).toContain(marker);

    expect(unwrap(inbox.purge(2_000))).toBe(3);
    expect(inbox.reports()).toEqual([]);
    expect(bytesOf(`${file}-wal`)).not.toContain(marker);
    expect(bytesOf(file)).not.toContain(marker);
    inbox.close();
    expect(bytesOf(file)).not.toContain(marker);
  });
});
