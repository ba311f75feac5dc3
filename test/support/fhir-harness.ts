import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ManualClock } from '../../src/core/index.js';
import { startServer, type RunningServer } from '../../src/gateway/index.js';
import { createLogger } from '../../src/log/index.js';
import {
  loadFhirRecords,
  type FhirRecordsOptions,
  type TlsMaterial,
  type Transport,
} from '../../src/records/index.js';
import { SeededRandom } from '../../src/sim/index.js';
import {
  DEMO_PATIENT_IDENTIFIER_SYSTEM,
  abortableSleep,
  loadFhirRecordsServer,
  type FaultModes,
  type FhirServer,
} from '../../src/sim/records/index.js';
import { MemoryStore, deviceKeys, testSigner, testVerifier, type DeviceKeys } from './records-ports.js';
import { SEED, TTL_MS } from './records-harness.js';

const { FhirRecordsClient, nodeTransport } = await loadFhirRecords();
const { FHIR_BASE_PATH, fhirRecordsServer } = await loadFhirRecordsServer();

/** The population the FHIR tests load (the engine's store is per patient, but loading still costs). */
export const FHIR_POPULATION = 60;

export interface FhirHarness {
  readonly clock: ManualClock;
  readonly device: DeviceKeys;
  readonly server: RunningServer;
  readonly fhir: FhirServer;
  readonly base: string;
  readonly store: MemoryStore;
  readonly delays: number[];
  readonly refused: string[];
  /** Every HTTP exchange the client made: method and path (no query: it names the patient). */
  readonly exchanges: { method: string; path: string; status: number }[];
  client(overrides?: Partial<FhirRecordsOptions>): InstanceType<typeof FhirRecordsClient>;
  /** A transport with this TLS material (CA, client certificate) that records its exchanges too. */
  transportWith(tls: TlsMaterial): Transport;
  close(): Promise<void>;
}

export interface FhirHarnessOptions {
  readonly summary: boolean;
  readonly faults?: Partial<FaultModes>;
  readonly tokenLifetimeS?: number;
  /**
   * Serve over HTTPS requiring a client certificate (mutual TLS): the server's PEM key and
   * certificate, and the CA whose client certificates it accepts.
   */
  readonly mutualTls?: { readonly key: string; readonly cert: string; readonly ca: string };
}

/** An HTTPS server that completes no handshake without a client certificate from `ca`. */
const serveMutualTls = async (
  app: FhirServer['app'],
  tls: NonNullable<FhirHarnessOptions['mutualTls']>,
): Promise<RunningServer> => {
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        hostname: '127.0.0.1',
        port: 0,
        createServer: createHttpsServer,
        serverOptions: { ...tls, requestCert: true, rejectUnauthorized: true },
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      }),
  };
};

/** medplum's engine behind our FHIR server harness on a real port, and a FHIR client wired to it. */
export const startFhirHarness = async (options: FhirHarnessOptions): Promise<FhirHarness> => {
  const clock = new ManualClock(Date.UTC(2026, 3, 1, 0, 30));
  const device = deviceKeys();
  const logger = createLogger({ level: 'info' });
  const rng = new SeededRandom(77);
  const fhir = fhirRecordsServer({
    seed: SEED,
    populationSize: FHIR_POPULATION,
    identifierSystem: DEMO_PATIENT_IDENTIFIER_SYSTEM,
    summary: options.summary,
    verifier: testVerifier([device]),
    clock,
    random: () => rng.next(),
    sleep: abortableSleep,
    logger,
    faults: { latencyMs: 0, errorRate: 0, timeoutRate: 0, truncateRate: 0, ...options.faults },
    hangMs: 3_000,
    ...(options.tokenLifetimeS === undefined ? {} : { tokenLifetimeS: options.tokenLifetimeS }),
  });
  await fhir.loaded;
  const server =
    options.mutualTls === undefined
      ? await startServer(fhir.app, { host: '127.0.0.1', port: 0 })
      : await serveMutualTls(fhir.app, options.mutualTls);
  const base = `${server.url}${FHIR_BASE_PATH}`;
  const store = new MemoryStore(clock, TTL_MS);
  const delays: number[] = [];
  const refused: string[] = [];
  const exchanges: { method: string; path: string; status: number }[] = [];
  const recorded =
    (real: Transport): Transport =>
    async (x) => {
      const answer = await real(x);
      exchanges.push({ method: x.method, path: x.url.pathname, status: answer.status });
      return answer;
    };
  const recording = recorded(nodeTransport());
  return {
    clock,
    device,
    server,
    fhir,
    base,
    store,
    delays,
    refused,
    exchanges,
    transportWith: (tls) => recorded(nodeTransport(tls)),
    client: (overrides = {}) =>
      new FhirRecordsClient({
        baseUrl: base,
        clientId: 'amb-test-01',
        scope: 'system/*.read',
        patientIdentifierSystem: DEMO_PATIENT_IDENTIFIER_SYSTEM,
        pageSize: 50,
        maxPerType: 1000,
        capabilityTtlMs: 3600_000,
        timeoutMs: 2_000,
        retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 },
        breaker: { failureThreshold: 20, cooldownMs: 30_000 },
        signer: testSigner(device),
        store,
        transport: recording,
        clock,
        timers: {
          sleep: (ms) => {
            delays.push(ms);
            clock.advance(ms);
            return Promise.resolve();
          },
          after: (ms, fn) => {
            const handle = setTimeout(fn, ms);
            return () => clearTimeout(handle);
          },
        },
        random: () => rng.next(),
        logger,
        answerRefused: (reason) => refused.push(reason),
        ...overrides,
      }),
    close: () => server.close(),
  };
};
