import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError, type CommandIo } from '../../src/cli/command.js';
import { recordsSimCommand } from '../../src/cli/commands/records-sim.js';
import { summaryCommand } from '../../src/cli/commands/summary.js';
import { encodeRequest, parseIpsBytes, wireRequest } from '../../src/records/index.js';
import { cardholder } from '../../src/sim/index.js';
import { medicalRecord } from '../../src/sim/records/index.js';

const FIXTURE = new URL('../fixtures/ips/hl7-ips-bundle-minimal.json', import.meta.url).pathname;

const io = (signal = new AbortController().signal) => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (d: Buffer) => out.push(d.toString()));
  stderr.on('data', (d: Buffer) => err.push(d.toString()));
  const streams: CommandIo = { stdin: new PassThrough(), stdout, stderr, env: {}, signal };
  return { streams, out: () => out.join(''), err: () => err.join('') };
};

describe('ems-gateway summary FILE [--json]', () => {
  it('prints sections, flags, freshness and unavailable markers as text', async () => {
    const t = io();
    expect(await summaryCommand.run([FIXTURE], t.streams)).toBe(0);
    expect(t.out()).toContain('! Substance with penicillin structure');
    expect(t.out()).toContain('anastrozole — 1 tablet, 1× per day — last 2015-03');
    expect(t.out()).toContain('Conditions: 1, newest 2016-10');
    expect(t.out()).toContain('Procedures: UNAVAILABLE (section-missing)');
    expect(t.out()).toContain('Critical medication flags (complete): none');
    expect(t.out()).not.toContain('DeLarosa');
  });

  it('prints JSON with --json, the patient redacted', async () => {
    const t = io();
    expect(await summaryCommand.run([FIXTURE, '--json'], t.streams)).toBe(0);
    const json = JSON.parse(t.out()) as { patient: string; allergies: { status: string } };
    expect(json.patient).toBe('[redacted]');
    expect(json.allergies.status).toBe('available');
  });

  it('exits 1 for a missing file or something that is not an IPS Bundle, 2-style usage errors otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ems-summary-'));
    writeFileSync(join(dir, 'x.json'), '{"resourceType":"Patient"}');
    const t = io();
    expect(await summaryCommand.run([join(dir, 'nope.json')], t.streams)).toBe(1);
    expect(await summaryCommand.run([join(dir, 'x.json')], t.streams)).toBe(1);
    expect(t.err()).toContain('not a FHIR R4 document Bundle');
    await expect(summaryCommand.run([], t.streams)).rejects.toBeInstanceOf(UsageError);
    expect(await summaryCommand.run(['--help'], t.streams)).toBe(0);
  });
});

describe('ems-gateway records-sim', () => {
  it('serves a holder’s IPS bundle on the port it prints, and stops on the signal', async () => {
    const stop = new AbortController();
    const t = io(stop.signal);
    const running = recordsSimCommand.run(['--port', '0', '--seed', '2', '--population', '50'], t.streams);
    let url: string | undefined;
    for (let i = 0; i < 200 && url === undefined; i++) {
      url = /listening on (http:\/\/\S+)/.exec(t.out())?.[1];
      if (url === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(t.out()).toContain('WARNING: development mode');
    let index = 0;
    while (medicalRecord(2, index).status !== 'active') index += 1;
    const request = wireRequest(
      {
        identity: {
          certificate: new Uint8Array([0x30, 0x82]),
          certificateSerial: cardholder(2, index).certificateSerial,
          check: { mode: 'visual', attester: 'crew-01' },
        },
        consent: { basis: 'given' },
        purpose: 'emergency-care',
        crewMember: 'crew-01',
        session: 's',
      },
      {
        requestId: crypto.randomUUID(),
        issuedAt: new Date().toISOString(),
        audience: 'records-demo',
        unit: 'amb-01',
      },
    );
    const response = await fetch(`${url ?? ''}/records/v1/summary`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        keyId: 'dev',
        request: Buffer.from(encodeRequest(request)).toString('base64url'),
        signature: 'AA',
      }),
    });
    expect(response.status).toBe(200);
    const summary = parseIpsBytes(new Uint8Array(await response.arrayBuffer()));
    expect(summary.insurance.status).toBe('available');
    stop.abort();
    expect(await running).toBe(0);
  });

  it('refuses out-of-range options as usage errors', async () => {
    await expect(recordsSimCommand.run(['--error-rate', '2'], io().streams)).rejects.toBeInstanceOf(
      UsageError,
    );
  });
});
