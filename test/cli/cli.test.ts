import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const COMMANDS = [
  'demo',
  'run',
  'card-sim',
  'records-sim',
  'read-card',
  'summary',
  'envelope',
  'keys',
  'config',
  'audit',
];

const badConfig = (dataDir: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'ems-cli-')), 'bad.json');
  writeFileSync(
    file,
    JSON.stringify({
      role: 'hospital',
      id: 'X',
      dataDir,
      http: { host: '10.0.0.5', port: 'eighty' },
      mqtt: { url: 'ftp://nowhere' },
      retentionDays: 0,
    }),
  );
  return file;
};

describe('ems-gateway CLI', () => {
  it('lists every subcommand in its overview', () => {
    const { status, stdout } = runCli(['--help']);
    expect(status).toBe(0);
    for (const name of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it.each(COMMANDS)('%s --help prints its own help and exits 0', (name) => {
    const { status, stdout } = runCli([name, '--help']);
    expect(status).toBe(0);
    expect(stdout).toContain(`ems-gateway ${name}`);
  });

  it('rejects an unknown command with exit code 2', () => {
    const { status, stderr } = runCli(['teleport']);
    expect(status).toBe(2);
    expect(stderr).toContain("unknown command 'teleport'");
  });

  it('config check lists every problem with its path and exits non-zero', () => {
    const { status, stderr } = runCli(['config', 'check', badConfig('/tmp/unused')]);
    expect(status).toBe(1);
    expect(stderr).toContain('5 problems');
    for (const path of ['id', 'http.port', 'http.tls', 'mqtt.url', 'retentionDays'])
      expect(stderr).toContain(`  ${path}: `);
  });

  it('config check accepts the examples', () => {
    for (const role of ['ambulance', 'hospital', 'dispatch']) {
      const { status, stdout } = runCli(['config', 'check', `examples/${role}.json`]);
      expect(status).toBe(0);
      expect(stdout).toContain(`valid ${role} configuration`);
    }
  });

  it('run with a bad configuration reports every problem and starts nothing', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ems-run-')), 'never-created');
    const { status, stderr } = runCli(['run', '--config', badConfig(dataDir)]);
    expect(status).toBe(1);
    expect(stderr).toContain('nothing was started');
    expect(stderr).toContain('  mqtt.url: ');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('run without --config is a usage error', () => {
    const { status, stderr } = runCli(['run']);
    expect(status).toBe(2);
    expect(stderr).toContain('--config FILE is required');
  });
});
