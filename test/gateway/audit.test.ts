import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { loadOrCreateSigner } from '../../src/gateway/audit/signer.js';
import { AuditLog, ed25519Verify, readAuditFile, toAuditBundle, verifyLog } from '../../src/gateway/index.js';
import { runCli } from '../support/cli.js';

const access = (i: number) =>
  ({
    role: 'crew',
    userId: 'crew-a',
    device: 'amb-test-01',
    action: 'read',
    subject: { kind: 'card-session', id: `cs-${i.toString().padStart(4, '0')}` },
    purpose: i % 2 === 0 ? 'consent' : 'emergency-exception',
    reason: i % 2 === 0 ? null : 'unconscious',
    outcome: 'success',
  }) as const;

/** A log of 10 entries with a checkpoint every 4 (and one at close). */
const makeLog = async (): Promise<string> => {
  const dir = mkdtempSync(join(tmpdir(), 'ems-audit-'));
  const file = join(dir, 'audit.db');
  const signer = await loadOrCreateSigner(join(dir, 'audit-signing.key'));
  const log = AuditLog.open({
    file,
    device: 'amb-test-01',
    clock: new ManualClock(1_700_000_000_000),
    signer,
    checkpointEvery: 4,
  });
  for (let i = 1; i <= 10; i += 1) log.record(access(i));
  log.close();
  return file;
};

/** What an attacker with the file does: drop the append-only triggers, then edit. */
const tamper = (file: string, sql: string): void => {
  const db = new Database(file);
  db.exec(
    'DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete; DROP TRIGGER checkpoints_no_delete;',
  );
  db.exec(sql);
  db.close();
};

const verify = async (file: string) => {
  const log = readAuditFile(file);
  return verifyLog(
    log.entries,
    log.checkpoints,
    log.device,
    Buffer.from(log.publicKey, 'hex'),
    await ed25519Verify(),
  );
};

describe('audit log', () => {
  let file: string;
  beforeEach(async () => {
    file = await makeLog();
  });

  it('verifies an untouched log, with every entry anchored by a signed checkpoint', async () => {
    expect(await verify(file)).toEqual({ ok: true, value: { entries: 10, checkpoints: 3, unanchored: 0 } });
  });

  it('refuses UPDATE and DELETE through SQLite (append-only triggers)', () => {
    const db = new Database(file);
    expect(() => db.exec("UPDATE entries SET user_id = 'x' WHERE seq = 1")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM entries WHERE seq = 1')).toThrow(/append-only/);
    db.close();
  });

  it('detects an edited entry', async () => {
    tamper(file, "UPDATE entries SET user_id = 'someone-else' WHERE seq = 5");
    expect(await verify(file)).toEqual({ ok: false, error: { kind: 'hash-mismatch', seq: 5 } });
  });

  it('detects a removed entry', async () => {
    tamper(file, 'DELETE FROM entries WHERE seq = 3');
    expect(await verify(file)).toEqual({ ok: false, error: { kind: 'sequence-gap', seq: 4 } });
  });

  it('detects removed entries at the end (the signed checkpoint names them)', async () => {
    tamper(file, 'DELETE FROM entries WHERE seq >= 9');
    expect(await verify(file)).toEqual({ ok: false, error: { kind: 'checkpoint-mismatch', seq: 10 } });
  });

  it('detects an inserted entry', async () => {
    tamper(
      file,
      `UPDATE entries SET seq = seq + 100 WHERE seq > 6; UPDATE entries SET seq = seq - 99 WHERE seq > 100;
       INSERT INTO entries SELECT 7, at, role, user_id, device, action, subject_kind, 'cs-9999', purpose, reason, outcome, prev_hash, hash, assurance, lookup_inputs, lookup_candidates FROM entries WHERE seq = 6;`,
    );
    expect(await verify(file)).toMatchObject({ ok: false, error: { seq: 7 } });
  });

  it('detects reordered entries', async () => {
    tamper(
      file,
      'UPDATE entries SET seq = 100 WHERE seq = 4; UPDATE entries SET seq = 4 WHERE seq = 5; UPDATE entries SET seq = 5 WHERE seq = 100;',
    );
    expect(await verify(file)).toEqual({ ok: false, error: { kind: 'chain-break', seq: 4 } });
  });

  it('detects a forged checkpoint signature', async () => {
    tamper(
      file,
      "DROP TRIGGER checkpoints_no_update; UPDATE checkpoints SET signature = replace(signature, substr(signature, 1, 2), 'ff') WHERE seq = 4",
    );
    expect(await verify(file)).toMatchObject({ ok: false, error: { kind: 'bad-signature', seq: 4 } });
  });

  it('`ems-gateway audit verify` exits 0 on an intact log and 1 naming the tampered entry', () => {
    const good = runCli(['audit', 'verify', file]);
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('intact: 10 entries, 3 signed checkpoints');
    tamper(file, "UPDATE entries SET subject_id = 'cs-0042' WHERE seq = 2");
    const bad = runCli(['audit', 'verify', file]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('TAMPERED: hash-mismatch at entry 2');
  });

  it('exports FHIR AuditEvents after IHE BALP, with opaque ids and the purpose of use', () => {
    const bundle = toAuditBundle(readAuditFile(file).entries.slice(0, 2)) as {
      entry: { resource: Record<string, unknown> }[];
    };
    const [consent, emergency] = bundle.entry.map((e) => e.resource);
    expect(consent).toMatchObject({
      resourceType: 'AuditEvent',
      action: 'R',
      outcome: '0',
      meta: { profile: ['https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Read'] },
      entity: [{ what: { identifier: { system: 'urn:ems-gateway:card-session', value: 'cs-0001' } } }],
      purposeOfEvent: [{ coding: [{ code: 'ETREAT' }], text: 'unconscious' }],
    });
    expect(emergency).toMatchObject({ purposeOfEvent: [{ coding: [{ code: 'TREAT' }] }] });
  });
});
