import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { loadOrCreateSigner } from '../../src/gateway/audit/signer.js';
import {
  AuditLog,
  ed25519Verify,
  readAuditFile,
  toAuditEvent,
  verifyLog,
  type AuditEntry,
} from '../../src/gateway/index.js';

const read = (assurance?: string) =>
  ({
    role: 'crew',
    userId: 'crew-a',
    device: 'amb-test-01',
    action: 'read',
    subject: { kind: 'patient-session', id: 'ps-0001' },
    purpose: 'emergency-exception',
    reason: 'unconscious',
    outcome: 'success',
    ...(assurance === undefined ? {} : { assurance }),
  }) as const;

const verify = async (file: string): Promise<boolean> => {
  const f = readAuditFile(file);
  return verifyLog(f.entries, f.checkpoints, f.device, Buffer.from(f.publicKey, 'hex'), await ed25519Verify())
    .ok;
};

/** The entries table as audit files had it before identity assurance (issue 13). */
const OLD_SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE entries (
  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, role TEXT, user_id TEXT, device TEXT NOT NULL,
  action TEXT NOT NULL, subject_kind TEXT, subject_id TEXT, purpose TEXT, reason TEXT,
  outcome TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
) STRICT;
CREATE TABLE checkpoints (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, at INTEGER NOT NULL, signature TEXT NOT NULL) STRICT;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
`;

describe('audit entries say how the patient was identified', () => {
  it('records the assurance code, hashes it, and exports it on the AuditEvent entity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ems-audit-assurance-'));
    const file = join(dir, 'audit.db');
    const signer = await loadOrCreateSigner(join(dir, 'audit-signing.key'));
    const log = AuditLog.open({
      file,
      device: 'amb-test-01',
      clock: new ManualClock(1_700_000_000_000),
      signer,
    });
    log.record(read('four-items-72'));
    log.record(read('card-pin'));
    const [latest] = log.latest(1);
    log.close();
    expect(latest?.assurance).toBe('card-pin');
    expect(await verify(file)).toBe(true);
    const event = toAuditEvent(latest as AuditEntry) as { entity: { detail: unknown[] }[] };
    expect(event.entity[0]?.detail).toEqual([{ type: 'identity-assurance', valueString: 'card-pin' }]);

    // Changing how a patient was said to be identified breaks the chain.
    const db = new Database(file);
    db.exec('DROP TRIGGER entries_no_update');
    db.prepare("UPDATE entries SET assurance = 'card-pin' WHERE seq = 1").run();
    db.close();
    expect(await verify(file)).toBe(false);
  });

  it('free text is refused as an assurance (no patient data in the log)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ems-audit-assurance-'));
    const signer = await loadOrCreateSigner(join(dir, 'audit-signing.key'));
    const log = AuditLog.open({
      file: join(dir, 'a.db'),
      device: 'amb-test-01',
      clock: new ManualClock(0),
      signer,
    });
    expect(() => log.record(read('Yamada Taro 1950-01-01'))).toThrow();
    log.close();
  });

  it('an audit file from before the column opens, keeps verifying, and appends entries with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ems-audit-assurance-'));
    const file = join(dir, 'audit.db');
    const signer = await loadOrCreateSigner(join(dir, 'audit-signing.key'));
    // An old log: written with the old schema, through today's code path for its entries.
    const first = AuditLog.open({
      file: join(dir, 'model.db'),
      device: 'amb-test-01',
      clock: new ManualClock(5),
      signer,
    });
    first.record(read());
    const [old] = first.latest(1);
    first.close();
    const db = new Database(file);
    db.exec(OLD_SCHEMA);
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)').run(
      'device',
      'amb-test-01',
      'public-key',
      Buffer.from(signer.publicKey).toString('hex'),
    );
    const e = old as AuditEntry;
    db.prepare('INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      e.seq,
      e.at,
      e.role,
      e.userId,
      e.device,
      e.action,
      e.subject?.kind ?? null,
      e.subject?.id ?? null,
      e.purpose,
      e.reason,
      e.outcome,
      e.prevHash,
      e.hash,
    );
    db.close();
    expect(await verify(file)).toBe(true);

    const log = AuditLog.open({ file, device: 'amb-test-01', clock: new ManualClock(10), signer });
    log.record(read('crew-entered'));
    log.close();
    const after = readAuditFile(file);
    expect(after.entries.map((x) => x.assurance)).toEqual([undefined, 'crew-entered']);
    expect(await verify(file)).toBe(true);
  });
});
