import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/cli/command.js';
import { envelopeCommand } from '../../src/cli/commands/envelope.js';
import { keysCommand } from '../../src/cli/commands/keys.js';

interface Ran {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

const collect = (stream: PassThrough): (() => Buffer) => {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  return () => Buffer.concat(chunks);
};

const run = async (
  command: typeof keysCommand,
  args: string[],
  stdin: Uint8Array = new Uint8Array(0),
  env: Record<string, string> = {},
): Promise<Ran> => {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  const out = collect(io.stdout);
  const errText = collect(io.stderr);
  io.stdin.end(Buffer.from(stdin));
  const ctx: CommandIo = { ...io, env, signal: new AbortController().signal };
  let code: number;
  try {
    code = await command.run(args, ctx);
  } catch (error) {
    // main.ts prints thrown errors (with their code) and exits 1.
    io.stderr.write(String((error as Error).message));
    code = 1;
  }
  return { code, stdout: out(), stderr: errText().toString('utf8') };
};

describe('ems-gateway keys and envelope (in process)', () => {
  it('generates keys, signs and verifies a directory, seals and opens, and reports refusals by code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ems-cli-'));
    const at = (name: string): string => join(dir, name);
    const pub: Record<string, Record<string, string>> = {};
    for (const principal of ['operator-cli', 'amb-cli-01', 'hosp-cli-a', 'hosp-cli-b']) {
      const generated = await run(keysCommand, [
        'generate',
        '--principal',
        principal,
        '--out',
        at(`${principal}.key`),
      ]);
      expect(generated.code).toBe(0);
      pub[principal] = JSON.parse(generated.stdout.toString('utf8')) as Record<string, string>;
      expect((await stat(at(`${principal}.key`))).mode & 0o777).toBe(0o600);
    }
    const entry = (principal: string, role: string) => ({
      ...pub[principal],
      role,
      displayName: principal,
      validFrom: '2020-01-01T00:00:00.000Z',
      validUntil: '2099-01-01T00:00:00.000Z',
    });
    await writeFile(
      at('payload.json'),
      JSON.stringify({
        region: 'cli',
        serial: 1,
        issuedAt: '2025-01-01T00:00:00.000Z',
        entries: [
          entry('amb-cli-01', 'ambulance'),
          entry('hosp-cli-a', 'hospital'),
          entry('hosp-cli-b', 'hospital'),
        ],
      }),
    );
    const signed = await run(keysCommand, [
      'directory',
      'sign',
      '--operator-key',
      at('operator-cli.key'),
      '--in',
      at('payload.json'),
      '--out',
      at('directory.json'),
    ]);
    expect(signed.code).toBe(0);
    const env = { EMS_DIRECTORY__OPERATOR_PUBLIC_KEY: pub['operator-cli']?.['ed25519'] as string };
    const verified = await run(keysCommand, ['directory', 'verify', at('directory.json')], undefined, env);
    expect(verified.code).toBe(0);
    expect(verified.stdout.toString()).toContain('valid signature; region cli, serial 1');
    const wrongOperator = await run(keysCommand, [
      'directory',
      'verify',
      '--operator-public-key',
      pub['amb-cli-01']?.['ed25519'] as string,
      at('directory.json'),
    ]);
    expect(wrongOperator.code).toBe(1);
    expect(wrongOperator.stderr).toContain('DIRECTORY_BAD_SIGNATURE');

    const body = Buffer.from('{"report":"synthetic"}');
    const sealed = await run(
      envelopeCommand,
      [
        'seal',
        '--key',
        at('amb-cli-01.key'),
        '--directory',
        at('directory.json'),
        '--to',
        'hosp-cli-a',
        '--kind',
        'pre-arrival-report',
      ],
      body,
      env,
    );
    expect(sealed.code).toBe(0);
    expect(sealed.stdout.subarray(0, 4).toString('latin1')).toBe('EMSE');
    const opened = await run(
      envelopeCommand,
      ['open', '--key', at('hosp-cli-a.key'), '--directory', at('directory.json'), '--header'],
      sealed.stdout,
      env,
    );
    expect(opened.code).toBe(0);
    expect(opened.stdout.equals(body)).toBe(true);
    expect(JSON.parse(opened.stderr)).toMatchObject({
      kind: 'pre-arrival-report',
      sender: { principal: 'amb-cli-01' },
    });

    const misdirected = await run(
      envelopeCommand,
      ['open', '--key', at('hosp-cli-b.key'), '--directory', at('directory.json')],
      sealed.stdout,
      env,
    );
    expect(misdirected.code).toBe(1);
    expect(misdirected.stderr).toMatch(/^ENVELOPE_NOT_FOR_US/);
    const late = await run(
      envelopeCommand,
      [
        'open',
        '--key',
        at('hosp-cli-a.key'),
        '--directory',
        at('directory.json'),
        '--at',
        '2098-01-01T00:00:00Z',
      ],
      sealed.stdout,
      env,
    );
    expect(late.stderr).toMatch(/^ENVELOPE_EXPIRED/);

    const replayDb = at('replay.sqlite');
    const args = [
      'open',
      '--key',
      at('hosp-cli-a.key'),
      '--directory',
      at('directory.json'),
      '--replay-db',
      replayDb,
    ];
    expect((await run(envelopeCommand, args, sealed.stdout, env)).code).toBe(0);
    const replayed = await run(envelopeCommand, args, sealed.stdout, env);
    expect(replayed.code).toBe(1);
    expect(replayed.stderr).toMatch(/^ENVELOPE_REPLAYED/);

    const unknown = await run(
      envelopeCommand,
      [
        'seal',
        '--key',
        at('amb-cli-01.key'),
        '--directory',
        at('directory.json'),
        '--to',
        'hosp-nowhere',
        '--kind',
        'k',
      ],
      body,
      env,
    );
    expect(unknown.stderr).toMatch(/^SEAL_UNKNOWN_RECIPIENT/);
    const again = await run(keysCommand, [
      'generate',
      '--principal',
      'amb-cli-01',
      '--out',
      at('amb-cli-01.key'),
    ]);
    expect(again.stderr).toContain('KEY_FILE_EXISTS');
  });
});
