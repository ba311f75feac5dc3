import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/paths.js';

const dist = (file: string): string => pathToFileURL(`${ROOT}dist/src/${file}`).href;

/**
 * Runs `script` (ES module) in a fresh Node process and returns the native libraries it then has
 * loaded whose path names sharp or libvips: sharp's image library is +30 MiB resident on load.
 */
const imageLibrariesAfter = (script: string): string[] => {
  const run = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `${script}
const loaded = process.report.getReport().sharedObjects.filter((l) => /sharp|vips/i.test(l));
process.stdout.write(JSON.stringify(loaded));`,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string[];
};

/** Issue 16 (a role process idle ≤ 80 MB): a role loads its own parts only, sharp on the first image. */
describe('what a role process loads', () => {
  it('the CLI, run and every role part load no image library until an image is attached', () => {
    const loaded = imageLibrariesAfter(`
const { commands } = await import(${JSON.stringify(dist('cli/commands/index.js'))});
await commands.find((c) => c.name === 'run').load();
await import(${JSON.stringify(dist('roles/index.js'))});
await import(${JSON.stringify(dist('roles/mount-hospital.js'))});
await import(${JSON.stringify(dist('roles/dispatch/index.js'))});
await import(${JSON.stringify(dist('roles/mount-ambulance.js'))});`);
    expect(loaded).toEqual([]);
  });

  it('the first image attached loads it (so the check above can see it)', () => {
    const loaded = imageLibrariesAfter(`
const { prepareAttachment } = await import(${JSON.stringify(dist('roles/tablet/index.js'))});
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const bound = 1024 * 1024;
const r = await prepareAttachment(new Uint8Array(png), { maxEdgePx: 1600, jpegQuality: 80, maxImageBytes: bound, maxPdfBytes: bound, maxUploadBytes: bound, maxPerPatient: 8 });
if (!r.ok || r.value.mediaType !== 'image/jpeg') throw new Error('not prepared');`);
    expect(loaded.length).toBeGreaterThan(0);
  });
});
