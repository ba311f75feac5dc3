import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { ROOT } from '../support/paths.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Every command the README shows (inline code and code blocks) that starts with the CLI's name. */
const shown = [
  ...readme.matchAll(/`((?:npx )?ems-gateway [^`]+)`/g),
  ...readme.matchAll(/^((?:npx )?ems-gateway [^\n#&]+)/gm),
].map((m) => (m[1] ?? '').trim());

/** The literal words of a command (subcommands), up to its first option or placeholder. */
const words = (command: string): string[] => {
  const out: string[] = [];
  for (const w of command.replace(/^npx /, '').split(/\s+/).slice(1)) {
    if (!/^[a-z][a-z-]*$/.test(w)) break;
    out.push(w);
  }
  return out;
};

/** Issue 15, "Getting in": the README's `ems-gateway` commands work as printed. */
describe('README commands', () => {
  it('shows the CLI only as it runs in a fresh clone: `npx ems-gateway …`', () => {
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.filter((c) => !c.startsWith('npx ems-gateway '))).toEqual([]);
  });

  it('`npx ems-gateway` resolves to this package’s CLI', () => {
    const result = spawnSync('npx', ['--no-install', 'ems-gateway', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: ems-gateway COMMAND');
  });

  it.each([...new Set(shown.map((c) => words(c).join(' ')))])('`ems-gateway %s --help` runs', (command) => {
    const result = runCli([...command.split(' ').filter((w) => w !== ''), '--help']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/unknown command/i);
  });
});
