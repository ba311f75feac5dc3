import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/paths.js';

// .ci/run is what CI executes; the README is what a developer reads. They must say the same thing.
const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const AUDIT = 'node .ci/audit.mjs';

/** The script's commands: comment and blank lines dropped, backslash continuations joined. */
const commands = ci
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim().replace(/\s+/g, ' '))
  .filter((l) => l !== '' && !l.startsWith('#'));

const aptPackages = (line: string | undefined): string[] =>
  (line ?? '')
    .replace(/^.*apt-get install( -y)?( --no-install-recommends)?/, '')
    .trim()
    .split(' ');

describe('.ci/run', () => {
  it('is valid bash', () => {
    expect(() => execFileSync('bash', ['-n', join(ROOT, '.ci', 'run')])).not.toThrow();
  });

  it("ends with exactly the README's test command", () => {
    const block = /```sh\n([^`]+)\n```\n\nruns the type check/.exec(readme)?.[1];
    expect(block).toBe('npm test');
    expect(commands.at(-1)).toBe(block);
  });

  it('fails on high or critical advisories in production dependencies before the tests, as the README says', () => {
    const audit = commands.indexOf(AUDIT);
    expect(audit).toBeGreaterThan(commands.indexOf('npm ci'));
    expect(audit).toBe(commands.length - 2);
    expect(readme).toContain(`\`${AUDIT}\``);
  });

  it('installs the Debian packages the README lists, Japanese fonts included, each with its reason', () => {
    const installed = aptPackages(commands.find((c) => c.startsWith('apt-get install')));
    const listed = aptPackages(/`apt-get install ([^`]+)`/.exec(readme)?.[0].replace(/`/g, ''));
    expect(listed).toContain('fonts-noto-cjk');
    expect(installed).toEqual(expect.arrayContaining(listed));
    expect(ci).toMatch(/^# fonts-noto-cjk: .+$/m);
  });
});
