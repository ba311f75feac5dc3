import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onHospital, SqliteOutboxStore, type ReportRecord } from '../../src/hospital-feed/index.js';
import { unwrap } from '../support/feed/harness.js';
import { report } from './outbox-store.contract.js';

describe("the hospital's decline note at the unit", () => {
  it('is kept with the decline, replaced by a later decline, dropped by an acceptance', () => {
    const declined = onHospital(
      report(1),
      { type: 'answer', sequence: 2, decision: 'decline', reason: 'no-bed', note: 'CT down until 14:00' },
      5,
    );
    expect(declined).toMatchObject({ declineReason: 'no-bed', declineNote: 'CT down until 14:00' });
    const again = onHospital(
      declined,
      { type: 'answer', sequence: 3, decision: 'decline', reason: 'other' },
      6,
    );
    expect(again.declineReason).toBe('other');
    expect(again).not.toHaveProperty('declineNote');
    const accepted = onHospital(declined, { type: 'answer', sequence: 4, decision: 'accept' }, 7);
    expect(accepted).not.toHaveProperty('declineNote');
    expect(accepted).not.toHaveProperty('declineReason');
  });

  it('survives a restart in the SQLite outbox', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.sqlite');
    const rec: ReportRecord = report(1, {
      hospital: 'declined',
      declineReason: 'no-specialist',
      declineNote: '脳外科医不在',
      answerSequence: 2,
    });
    unwrap(SqliteOutboxStore.open(file)).write({ reports: [rec] });
    expect(unwrap(SqliteOutboxStore.open(file)).report('report-1')).toEqual(rec);
  });

  it('an outbox written before the note was kept opens, keeps its reports, and then keeps notes', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.sqlite');
    // The reports table exactly as the previous version created it (no decline_note column).
    const old = new Database(file);
    old.exec(`CREATE TABLE reports (
      report_id TEXT PRIMARY KEY, hospital_id TEXT NOT NULL, lifecycle TEXT NOT NULL,
      hospital TEXT NOT NULL, answer_sequence INTEGER NOT NULL, decline_reason TEXT,
      sequence INTEGER NOT NULL, latest TEXT NOT NULL, latest_message_id TEXT NOT NULL,
      expires_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT`);
    old
      .prepare('INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        'report-1',
        'hosp-demo-a',
        'open',
        'declined',
        2,
        'no-bed',
        1,
        'queued',
        'message-1',
        100_000,
        1_000,
      );
    old.close();
    const store = unwrap(SqliteOutboxStore.open(file));
    expect(store.report('report-1')).toEqual(
      report(1, { hospital: 'declined', declineReason: 'no-bed', answerSequence: 2 }),
    );
    const noted = report(2, {
      hospital: 'declined',
      declineReason: 'other',
      declineNote: 'x',
      answerSequence: 2,
    });
    expect(store.write({ reports: [noted] }).ok).toBe(true);
    expect(unwrap(SqliteOutboxStore.open(file)).report('report-2')).toEqual(noted);
  });
});
