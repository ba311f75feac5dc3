import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/index.js';
import { runCli } from '../support/cli.js';
import { ROOT } from '../support/paths.js';

const ambulance = (url: string): Record<string, unknown> => {
  const example = JSON.parse(readFileSync(join(ROOT, 'examples', 'ambulance.json'), 'utf8')) as {
    records: Record<string, unknown>;
  };
  return { ...example, records: { ...example.records, url } };
};

/** Issue 12, H1: the request carries the card certificate, its serial and the crew id. */
describe('records.url: TLS off loopback', () => {
  it('config check refuses an http:// records URL to a non-loopback host, naming the path', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ems-records-url-')), 'ambulance.json');
    writeFileSync(file, JSON.stringify(ambulance('http://records.ems.example.jp/')));
    const { status, stderr } = runCli(['config', 'check', file]);
    expect(status).toBe(1);
    expect(stderr).toContain('  records.url: ');
    expect(stderr).toContain('https://');
    // The problem message never echoes the configured value.
    expect(stderr).not.toContain('records.ems.example.jp');
  });

  it.each([
    ['http://10.0.0.5:8090/', false],
    ['http://records.example.jp/', false],
    ['http://127.0.0.1.example.jp/', false],
    ['ftp://127.0.0.1/', false],
    ['https://records.example.jp/', true],
    ['https://10.0.0.5:8443/', true],
    ['http://127.0.0.1:8090/', true],
    ['http://localhost:8090/', true],
    ['http://[::1]:8090/', true],
  ] as const)('%s → accepted: %s', (url, accepted) => {
    const result = validateConfig(ambulance(url));
    expect(result.ok).toBe(accepted);
    if (!result.ok) expect(result.error.map((p) => p.path)).toEqual(['records.url']);
  });
});

describe('records.kind "fhir"', () => {
  it('config check accepts the worked FHIR example', () => {
    const { status, stdout } = runCli(['config', 'check', 'examples/ambulance-fhir.json']);
    expect(status).toBe(0);
    expect(stdout).toContain('valid ambulance configuration');
  });

  it('refuses write scopes, a missing identifier system, and plain http off loopback, each by path', () => {
    const example = JSON.parse(readFileSync(join(ROOT, 'examples', 'ambulance-fhir.json'), 'utf8')) as {
      records: Record<string, unknown>;
    };
    const bad = validateConfig({
      ...example,
      records: {
        ...example.records,
        url: 'http://fhir.example.jp/fhir/R4/',
        scope: 'system/*.write',
        patientIdentifierSystem: undefined,
      },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.error.map((p) => p.path).sort()).toEqual(
        ['records.patientIdentifierSystem', 'records.scope', 'records.url'].sort(),
      );
  });
});
