import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadFhirRecords, type Transport } from '../../src/records/index.js';
import { startFhirHarness, type FhirHarness } from '../support/fhir-harness.js';
import { holderWith, requestFor } from '../support/records-harness.js';
import { ROOT } from '../support/paths.js';

/**
 * The FHIR kind's authorisation beyond the happy path (issue 14): mutual TLS against a server that
 * requires a client certificate, and an access token the server forgets mid-run.
 */

let h: FhirHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const { nodeTransport } = await loadFhirRecords();

const active = (): number => holderWith('active');

describe('FHIR kind over mutual TLS (server: requestCert, rejectUnauthorized)', () => {
  let dir = '';
  const pem = (name: string): string => readFileSync(join(dir, name), 'utf8');
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fhir-mtls-'));
    // The PKI script an integrator uses for the feed's broker: a CA, a server certificate for
    // 127.0.0.1, a client certificate per principal. A second run elsewhere is another CA.
    const script = join(ROOT, 'deploy/mosquitto/make-test-pki.sh');
    execFileSync(script, [join(dir, 'region'), 'amb-test-01'], { stdio: 'pipe' });
    execFileSync(script, [join(dir, 'other'), 'amb-test-01'], { stdio: 'pipe' });
    // The device key as an integrator may keep it: encrypted, its passphrase from the environment.
    execFileSync(
      'openssl',
      [
        'pkey',
        '-in',
        join(dir, 'region/amb-test-01.key'),
        '-aes-256-cbc',
        '-passout',
        'pass:correct horse',
        '-out',
        join(dir, 'region/amb-test-01.enc.key'),
      ],
      { stdio: 'pipe' },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = async (): Promise<FhirHarness> =>
    startFhirHarness({
      summary: true,
      mutualTls: { key: pem('region/server.key'), cert: pem('region/server.crt'), ca: pem('region/ca.crt') },
    });

  it('the client with the region’s certificate (key under a passphrase) gets the summary', async () => {
    h = await start();
    expect(h.base.startsWith('https://127.0.0.1:')).toBe(true);
    const transport = h.transportWith({
      ca: pem('region/ca.crt'),
      cert: pem('region/amb-test-01.crt'),
      key: pem('region/amb-test-01.enc.key'),
      passphrase: 'correct horse',
    });
    const outcome = await h.client({ transport }).fetchSummary(requestFor(active()));
    expect(outcome).toMatchObject({ code: 'ok', source: 'upstream' });
    expect(h.store.size).toBe(1);
  });

  it('without a client certificate: refused at the handshake → device rejected, no retry, nothing stored', async () => {
    h = await start();
    const client = h.client({ transport: h.transportWith({ ca: pem('region/ca.crt') }) });
    const outcome = await client.fetchSummary(requestFor(active()));
    expect(outcome).toMatchObject({ code: 'device-rejected' });
    expect('summary' in outcome).toBe(false);
    expect(h.store.size).toBe(0);
    // A refused certificate is not a passing fault: no backoff, no retries.
    expect(h.delays).toEqual([]);
  });

  it('with a client certificate from another CA: the server drops the connection → typed failure, nothing stored', async () => {
    h = await start();
    const transport = h.transportWith({
      ca: pem('region/ca.crt'),
      cert: pem('other/amb-test-01.crt'),
      key: pem('other/amb-test-01.key'),
    });
    const outcome = await h.client({ transport }).fetchSummary(requestFor(active()));
    // TLS 1.3: the client's handshake completes before the server checks the certificate; node's
    // server then closes without the client reading the unknown_ca alert (ECONNRESET), which cannot be
    // told from a network fault, so it is retried and ends as unavailable, never as a summary.
    expect(outcome).toMatchObject({ code: 'upstream-unavailable' });
    expect('summary' in outcome).toBe(false);
    expect(h.store.size).toBe(0);
  });

  it('a server certificate from a CA the client does not trust → typed refusal, nothing shown', async () => {
    h = await start();
    const transport = h.transportWith({
      ca: pem('other/ca.crt'),
      cert: pem('region/amb-test-01.crt'),
      key: pem('region/amb-test-01.key'),
    });
    const outcome = await h.client({ transport }).fetchSummary(requestFor(active()));
    expect(outcome).toMatchObject({ code: 'request-rejected' });
    expect(h.store.size).toBe(0);
    expect(h.delays).toEqual([]);
  });
});

describe('FHIR kind: a token the server forgets mid-run', () => {
  it.each([
    ['with Patient/$summary', true],
    ['by search assembly: parallel searches refused together renew once', false],
  ] as const)('%s → one new token, the request succeeds', async (_, summary) => {
    h = await startFhirHarness({ summary });
    const fhir = h.fhir;
    const real = nodeTransport();
    let revoked = false;
    // The server forgets its tokens right after the Patient search (a restart, a revocation).
    const transport: Transport = async (x) => {
      const answer = await real(x);
      if (!revoked && x.url.pathname.endsWith('/Patient/_search') && answer.status === 200) {
        revoked = true;
        fhir.revokeTokens();
      }
      return answer;
    };
    const client = h.client({ transport });
    const outcome = await client.fetchSummary(requestFor(active()));
    expect(outcome).toMatchObject({ code: 'ok', source: 'upstream' });
    expect(revoked).toBe(true);
    expect(client.counters.tokens).toBe(2);
  });

  it('a second 401 after the renewal → device rejected, no loop', async () => {
    h = await startFhirHarness({ summary: true });
    const real = nodeTransport();
    let refused = 0;
    let tokens = 0;
    // Every token the server grants is forgotten before its first use.
    const fhir = h.fhir;
    const transport: Transport = async (x) => {
      const answer = await real(x);
      if (x.url.pathname === '/auth/token') {
        tokens += 1;
        fhir.revokeTokens();
      }
      if (answer.status === 401) refused += 1;
      return answer;
    };
    const client = h.client({ transport });
    const outcome = await client.fetchSummary(requestFor(active()));
    expect(outcome).toMatchObject({ code: 'device-rejected' });
    expect(tokens).toBe(2);
    expect(refused).toBe(2);
    expect(client.counters.tokens).toBe(2);
    expect(h.store.size).toBe(0);
  });
});
