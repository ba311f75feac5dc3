import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { CLI, ROOT } from '../support/paths.js';

const example = (role: 'hospital'): Record<string, unknown> =>
  JSON.parse(readFileSync(`${ROOT}examples/${role}.json`, 'utf8')) as Record<string, unknown>;

const writeConfig = (content: Record<string, unknown> | string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'ems-cfg-')), 'hospital.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

const mode = (file: string): number => statSync(file).mode & 0o777;

/** Issue 12: R6 (users add on a fresh box; config check and the device token), L8, and no echo. */
describe('users and config check on a fresh instance', () => {
  it('R6/L8: users add before the role ever started creates a 0700 data dir and a 0600 users.db, under umask 022', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ems-fresh-')), 'not', 'yet', 'there');
    const config = writeConfig({ ...example('hospital'), dataDir });
    // Through a shell, so the umask is the usual 022 whatever the test runner's is.
    const run = spawnSync(
      'sh',
      [
        '-c',
        `umask 022 && exec "${process.execPath}" "${CLI}" users add --config "$0" --user nurse-a --role triage`,
        config,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('user nurse-a (triage)');
    expect(mode(dataDir)).toBe(0o700);
    const usersDb = join(dataDir, 'users.db');
    for (const file of [usersDb, `${usersDb}-wal`, `${usersDb}-shm`].filter((f) => existsSync(f)))
      expect(mode(file), file).toBe(0o600);
    expect(runCli(['users', 'list', '--config', config]).stdout).toContain('nurse-a\ttriage');
  });

  it('R6: config check refuses a device-token variable that is unset or too short, naming it only', () => {
    const config = writeConfig({ ...example('hospital'), auth: { deviceTokenEnv: 'EMS_TEST_DEVICE_TOKEN' } });
    const unset = runCli(['config', 'check', config], { env: { EMS_TEST_DEVICE_TOKEN: '' } });
    expect(unset.status).toBe(1);
    expect(unset.stderr).toContain(
      'auth.deviceTokenEnv: the environment variable EMS_TEST_DEVICE_TOKEN is not set',
    );
    const short = runCli(['config', 'check', config], { env: { EMS_TEST_DEVICE_TOKEN: 'short-secret' } });
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('auth.deviceTokenEnv: EMS_TEST_DEVICE_TOKEN must hold at least 16');
    expect(short.stderr).not.toContain('short-secret');
    const good = runCli(['config', 'check', config], {
      env: { EMS_TEST_DEVICE_TOKEN: 'a-long-enough-device-code' },
    });
    expect(good.status).toBe(0);
  });

  it('config check never echoes the content of a bad file', () => {
    const broken = writeConfig('{"role": "hospital", "mqtt": {"password": hunter2-in-the-file}}');
    const json = runCli(['config', 'check', broken]);
    expect(json.status).toBe(1);
    expect(json.stderr).toContain('(file): not valid JSON');
    expect(json.stderr).not.toContain('hunter2');
    const invalid = writeConfig({ ...example('hospital'), auth: { idleLogoutSeconds: 98765 } });
    const values = runCli(['config', 'check', invalid]);
    expect(values.status).toBe(1);
    const problems = values.stderr.split('\n').slice(1).join('\n');
    expect(problems).toContain('auth.idleLogoutSeconds: ');
    expect(problems).not.toContain('98765');
  });
});
