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

const search = (inputs: string, candidates: number) =>
  ({
    role: 'crew',
    userId: 'crew-a',
    device: 'amb-test-01',
    action: 'search',
    subject: { kind: 'patient-session', id: 'tap-0001' },
    purpose: 'emergency-exception',
    reason: 'lookup-four-items',
    outcome: 'success',
    assurance: 'crew-entered',
    lookup: { inputs, candidates },
  }) as const;

const HASH = 'ab'.repeat(32);

const open = async (): Promise<{ log: AuditLog; file: string }> => {
  const dir = mkdtempSync(join(tmpdir(), 'ems-audit-lookup-'));
  const file = join(dir, 'audit.db');
  const signer = await loadOrCreateSigner(join(dir, 'audit-signing.key'));
  return {
    log: AuditLog.open({ file, device: 'amb-test-01', clock: new ManualClock(1_700_000_000_000), signer }),
    file,
  };
};

const verify = async (file: string): Promise<boolean> => {
  const f = readAuditFile(file);
  return verifyLog(f.entries, f.checkpoints, f.device, Buffer.from(f.publicKey, 'hex'), await ed25519Verify())
    .ok;
};

describe('audit entries of card-less lookups (issue 13)', () => {
  it('keep the keyed hash of the inputs and the candidate count inside the hash chain, and export them', async () => {
    const { log, file } = await open();
    log.record(search(HASH, 2));
    const [latest] = log.latest(1);
    log.close();
    expect(latest?.lookup).toEqual({ inputs: HASH, candidates: 2 });
    expect(await verify(file)).toBe(true);
    const event = toAuditEvent(latest as AuditEntry) as { entity: { detail: unknown[] }[]; subtype: unknown };
    expect(event.entity[0]?.detail).toEqual([
      { type: 'identity-assurance', valueString: 'crew-entered' },
      { type: 'query-hmac-sha256', valueString: HASH },
      { type: 'candidates', valueString: '2' },
    ]);

    // Claiming fewer candidates came back breaks the chain.
    const db = new Database(file);
    db.exec('DROP TRIGGER entries_no_update');
    db.prepare('UPDATE entries SET lookup_candidates = 1 WHERE seq = 1').run();
    db.close();
    expect(await verify(file)).toBe(false);
  });

  it('refuses anything but a hash as the inputs: a name or a birth date never gets in', async () => {
    const { log } = await open();
    for (const clear of ['ヤマダ　ハナコ', '1950-04-02', 'AB'.repeat(32), 'ab'.repeat(31)])
      expect(() => log.record(search(clear, 1))).toThrow();
    expect(log.latest(1)).toEqual([]);
    log.close();
  });
});
