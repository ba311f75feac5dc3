import { chmodSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../support/cli.js';

/**
 * Issue 12, L8: the data a role keeps (reports, outbox, replay ids, audit, timeline) and the demo log
 * are private whatever the umask: files 0600, directories 0700, also a data directory that already
 * existed with a loose mode. users.db (TOTP secrets) is the gateway log-in's file and checked with it.
 */
describe('data files are private under umask 022', () => {
  let dataDir: string;
  let demo: CliProcess;
  let umask: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ems-private-'));
    chmodSync(dataDir, 0o755);
    // The child inherits it: the most common default, which would make new files 0644.
    umask = process.umask(0o022);
    // The demo log itself, not the suite's log capture (it writes nothing with patient data).
    demo = CliProcess.start(['demo', '--port-base', '0', '--mqtt-port', '0', '--data-dir', dataDir], {
      EMS_LOG_CAPTURE: '',
    });
    process.umask(umask);
    await demo.waitForOutput(/Ctrl-C stops/, 45_000);
  });

  afterAll(async () => {
    await demo.stop();
  });

  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? [join(dir, e.name), ...walk(join(dir, e.name))] : [join(dir, e.name)],
    );
  const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

  it('makes the data directory and every role directory 0700', () => {
    expect(modeOf(dataDir)).toBe('700');
    const roleDirs = readdirSync(dataDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(dataDir, e.name));
    expect(roleDirs.length).toBeGreaterThanOrEqual(5);
    expect(Object.fromEntries(roleDirs.map((d) => [relative(dataDir, d), modeOf(d)]))).toEqual(
      Object.fromEntries(roleDirs.map((d) => [relative(dataDir, d), '700'])),
    );
  });

  it('creates every SQLite database (and its -wal and -shm) and the demo log 0600', () => {
    const files = walk(dataDir).filter(
      (f) => /\.(sqlite|db)(-wal|-shm)?$|demo\.log$/.test(f) && !/users\.db/.test(f),
    );
    const names = files.map((f) => relative(dataDir, f));
    // The feed's inbox and outbox, dispatch's cases (with the answers' ids) and timeline, the demo log.
    for (const expected of [
      /feed-inbox\.sqlite$/,
      /feed-outbox\.sqlite$/,
      /cases\.sqlite$/,
      /timeline\.sqlite$/,
    ])
      expect(names.some((n) => expected.test(n))).toBe(true);
    expect(names).toContain('demo.log');
    expect(Object.fromEntries(names.map((n, i) => [n, modeOf(files[i] as string)]))).toEqual(
      Object.fromEntries(names.map((n) => [n, '600'])),
    );
  });
});
