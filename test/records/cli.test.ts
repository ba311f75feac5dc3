import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError, type CommandIo } from '../../src/cli/command.js';
import { recordsSimCommand } from '../../src/cli/commands/records-sim.js';
import { systemClock } from '../../src/core/index.js';
import { DirectorySource, fromBase64, readKeyFile } from '../../src/crypto/index.js';
import { silentLogger } from '../../src/log/index.js';
import { ensureDemoKeys } from '../../src/roles/demo-keys.js';
import { envelopeResponseOpener } from '../../src/roles/tablet/index.js';
import { loadOrCreateCard, loadOrCreateTestCa } from '../../src/sim/card/index.js';
import { summaryCommand } from '../../src/cli/commands/summary.js';
import {
  encodeRequest,
  parseSummaryBytes,
  subjectDigest,
  unframeAnswer,
  wireRequest,
} from '../../src/records/index.js';
import { cardholder } from '../../src/sim/index.js';
import { medicalRecord } from '../../src/sim/records/index.js';
import { SHARED_FIXTURES, sharedPresent } from '../support/shared-fixtures.js';

const FIXTURE = `${SHARED_FIXTURES}ips/hl7-ips-bundle-minimal.json`;
const JP = `${SHARED_FIXTURES}jp/`;

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

describe('ems-gateway summary FILE... [--json]', () => {
  it.skipIf(!sharedPresent)('prints sections, statuses, sources and flags as text', async () => {
    const t = io();
    expect(await summaryCommand.run([FIXTURE, '--as-of', '2016-01-01'], t.streams)).toBe(0);
    expect(t.out()).toContain('! Substance with penicillin structure');
    expect(t.out()).toContain('anastrozole — 1 tablet, 1× per day');
    expect(t.out()).toContain('Problems: 1, newest 2016-10');
    expect(t.out()).toContain('Procedures: NOT AVAILABLE (not-sent)');
    expect(t.out()).toContain('Critical medication flags (complete): none');
    expect(t.out()).not.toContain('DeLarosa');
  });

  it.skipIf(!sharedPresent)('merges several files of one patient, each item with its source', async () => {
    const t = io();
    const files = [
      'clins-referral-01.json',
      'eprescription-document-01.json',
      'echeckup-report-sample-01.json',
    ];
    expect(
      await summaryCommand.run([...files.map((f) => `${JP}${f}`), '--as-of', '2020-01-01'], t.streams),
    ).toBe(1);
    // The referral's patient and the e-prescription's are different people: nothing is merged.
    expect(t.err()).toContain('different patients');
    expect(t.out()).toContain('Allergies: NOT AVAILABLE (unreadable)');
    const one = io();
    expect(
      await summaryCommand.run(
        [`${JP}clins-referral-01.json`, `${JP}clins-referral-noentry.json`],
        one.streams,
      ),
    ).toBe(0);
    expect(one.out()).toContain('source: 診療情報提供書 · 港診療所');
    expect(one.out()).toContain('Medications: NOT AVAILABLE (not-recorded)');
  });

  it.skipIf(!sharedPresent)('prints JSON with --json, the patient redacted', async () => {
    const t = io();
    expect(await summaryCommand.run([FIXTURE, '--json'], t.streams)).toBe(0);
    const json = JSON.parse(t.out()) as { patient: string; allergies: { status: string } };
    expect(json.patient).toBe('[redacted]');
    expect(json.allergies.status).toBe('available');
  });

  it('exits 1 for a missing file or files that are not FHIR Bundles, usage errors otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ems-summary-'));
    writeFileSync(join(dir, 'x.json'), '{"resourceType":"Patient"}');
    writeFileSync(join(dir, 'y.json'), '{"resourceType":');
    const t = io();
    expect(await summaryCommand.run([join(dir, 'nope.json')], t.streams)).toBe(1);
    expect(await summaryCommand.run([join(dir, 'x.json'), join(dir, 'y.json')], t.streams)).toBe(1);
    expect(t.err()).toContain('x.json: a FHIR resource, but not a Bundle');
    expect(t.err()).toContain('y.json: not UTF-8 JSON');
    await expect(summaryCommand.run([], t.streams)).rejects.toBeInstanceOf(UsageError);
    await expect(
      summaryCommand.run([join(dir, 'x.json'), '--as-of', 'soon'], t.streams),
    ).rejects.toBeInstanceOf(UsageError);
  });
});

describe('ems-gateway records-sim', () => {
  it('serves a holder’s IPS bundle, signed requests only, sealed to the device, and stops on the signal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ems-records-cli-'));
    const keys = await ensureDemoKeys(
      dir,
      [
        { id: 'amb-cli-01', role: 'ambulance', displayName: 'Ambulance' },
        { id: 'records-cli', role: 'records', displayName: 'Records' },
      ],
      Date.now(),
    );
    await loadOrCreateTestCa(join(dir, 'cards'));
    let index = 0;
    while (medicalRecord(2, index).status !== 'active') index += 1;
    const card = await loadOrCreateCard(join(dir, 'cards'), 2, index);
    const stop = new AbortController();
    const t = io(stop.signal);
    const running = recordsSimCommand.run(
      [
        ...['--port', '0', '--seed', '2', '--population', '50'],
        ...['--key', keys.keyFile('records-cli'), '--directory', keys.directoryFile],
        ...['--operator-key', keys.operatorPublicKey, '--trust-anchor', join(dir, 'cards', 'ca', 'ca.pem')],
      ],
      t.streams,
    );
    let url: string | undefined;
    for (let i = 0; i < 500 && url === undefined; i++) {
      url = /listening on (http:\/\/\S+)/.exec(t.out())?.[1];
      if (url === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    const device = await readKeyFile(keys.keyFile('amb-cli-01'));
    if (!device.ok) throw new Error('no device key');
    const directory = await DirectorySource.load(
      keys.directoryFile,
      fromBase64(keys.operatorPublicKey) as Uint8Array,
      silentLogger,
    );
    if (!directory.ok) throw new Error('no directory');
    const requestId = crypto.randomUUID();
    const request = encodeRequest(
      wireRequest(
        {
          identity: {
            certificate: card.authCertificate,
            certificateSerial: cardholder(2, index).certificateSerial,
            check: { mode: 'visual', attester: 'crew-01' },
          },
          consent: { basis: 'given' },
          purpose: 'emergency-care',
          crewMember: 'crew-01',
          session: 's',
        },
        {
          requestId,
          issuedAt: new Date().toISOString(),
          audience: 'records-cli',
          unit: 'amb-cli-01',
        },
      ),
    );
    const post = (signature: Uint8Array): Promise<Response> =>
      fetch(`${url ?? ''}/records/v1/summary`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          keyId: device.value.keyIdHex,
          request: Buffer.from(request).toString('base64url'),
          signature: Buffer.from(signature).toString('base64url'),
        }),
      });
    expect((await post(new Uint8Array(64))).status).toBe(401);
    const response = await post(device.value.sign(request));
    expect(response.status).toBe(200);
    const opened = await envelopeResponseOpener({
      keys: [device.value],
      directory: directory.value,
      clock: systemClock,
      from: 'records-cli',
    }).open(new Uint8Array(await response.arrayBuffer()));
    if (!opened.ok) throw new Error('the answer does not open');
    // Bound to this request, this card and this unit (docs/records.md, "The sealed answer").
    const answer = unframeAnswer(opened.value);
    if (!answer.ok) throw new Error('the answer is not bound');
    expect(answer.value.binding).toEqual({
      v: 1,
      requestId,
      subject: subjectDigest({ kind: 'jpki-serial', serial: cardholder(2, index).certificateSerial }),
      unit: 'amb-cli-01',
    });
    expect(parseSummaryBytes([answer.value.bundle]).insurance.status).toBe('available');
    stop.abort();
    expect(await running).toBe(0);
    await directory.value.close();
  });

  it('refuses to start without its key, directory and card CA', async () => {
    await expect(recordsSimCommand.run(['--port', '0'], io().streams)).rejects.toBeInstanceOf(UsageError);
  });

  it('refuses out-of-range options as usage errors', async () => {
    await expect(recordsSimCommand.run(['--error-rate', '2'], io().streams)).rejects.toBeInstanceOf(
      UsageError,
    );
  });
});
