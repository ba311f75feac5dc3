import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../src/core/index.js';
import { startServer, type RunningServer } from '../../src/gateway/index.js';
import { createLogger } from '../../src/log/index.js';
import {
  RecordsClient,
  type RateLimit,
  type RecordsClientOptions,
  type SummaryRequest,
} from '../../src/records/index.js';
import { cardholder, SeededRandom } from '../../src/sim/index.js';
import {
  abortableSleep,
  medicalRecord,
  recordsService,
  type CardStatus,
  type FaultModes,
} from '../../src/sim/records/index.js';
import {
  MemoryStore,
  acceptAnyCard,
  deviceKeys,
  testOpener,
  testSealer,
  testSigner,
  testVerifier,
  type DeviceKeys,
} from './records-ports.js';

export const SEED = 3;
export const POPULATION = 400;
export const SERVICE_ID = 'records-test';

/** The first holder of the test population whose card has this status. */
export const holderWith = (status: CardStatus): number => {
  for (let i = 0; i < POPULATION; i++) if (medicalRecord(SEED, i).status === status) return i;
  throw new Error(`no holder with status ${status} in the first ${POPULATION}`);
};

/** A request for holder `index`: PIN mode unless told otherwise. */
export const requestFor = (
  index: number,
  overrides: Partial<Pick<SummaryRequest, 'consent' | 'session'>> & {
    visual?: boolean;
    serial?: string;
  } = {},
): SummaryRequest => ({
  identity: {
    // Certificate bytes come from the card emulator once the reader lands (issue #3); any DER-sized bytes here.
    certificate: new Uint8Array(randomBytes(900)),
    certificateSerial: overrides.serial ?? cardholder(SEED, index).certificateSerial,
    check:
      overrides.visual === true
        ? { mode: 'visual', attester: 'crew-0042' }
        : {
            mode: 'pin',
            challenge: new Uint8Array(randomBytes(32)),
            challengeSignature: new Uint8Array(randomBytes(256)),
          },
  },
  consent: overrides.consent ?? { basis: 'given' },
  purpose: 'emergency-care',
  crewMember: 'crew-0042',
  session: overrides.session ?? `session-${index}`,
});

export interface Harness {
  readonly clock: ManualClock;
  readonly device: DeviceKeys;
  readonly server: RunningServer;
  readonly store: MemoryStore;
  /** Backoff delays the client asked for (it never really sleeps). */
  readonly delays: number[];
  /** Requests that reached the network. */
  readonly sent: { count: number };
  /** Answers the client refused as not bound to their request, by reason. */
  readonly refused: string[];
  /** Every line the service and the client logged. */
  readonly logLines: string[];
  client(overrides?: Partial<RecordsClientOptions>): RecordsClient;
  close(): Promise<void>;
}

export const TTL_MS = 4 * 3600_000;

/** records-sim on a real HTTP port (0 = any free one) and a client wired to it with test ports. */
export const startHarness = async (
  faults: Partial<FaultModes> = {},
  options: { readonly lookupLimit?: RateLimit } = {},
): Promise<Harness> => {
  const clock = new ManualClock(Date.UTC(2026, 3, 1, 0, 30));
  const device = deviceKeys();
  const logLines: string[] = [];
  const logger = createLogger({ level: 'info', sink: (line) => logLines.push(line) });
  const rng = new SeededRandom(99);
  const app = recordsService({
    seed: SEED,
    populationSize: POPULATION,
    principalId: SERVICE_ID,
    verifier: testVerifier([device]),
    sealer: testSealer([device]),
    cards: acceptAnyCard,
    clock,
    random: () => rng.next(),
    sleep: abortableSleep,
    logger,
    faults: { latencyMs: 0, errorRate: 0, timeoutRate: 0, truncateRate: 0, ...faults },
    hangMs: 5_000,
    ...(options.lookupLimit === undefined ? {} : { lookupLimit: options.lookupLimit }),
  });
  const server = await startServer(app, { host: '127.0.0.1', port: 0 });
  const store = new MemoryStore(clock, TTL_MS);
  const delays: number[] = [];
  const sent = { count: 0 };
  const refused: string[] = [];
  const counting: typeof fetch = (input, init) => {
    sent.count += 1;
    return fetch(input, init);
  };
  return {
    clock,
    device,
    server,
    store,
    delays,
    sent,
    refused,
    logLines,
    client: (overrides = {}) =>
      new RecordsClient({
        baseUrl: server.url,
        audience: SERVICE_ID,
        unit: 'amb-test-01',
        timeoutMs: 2_000,
        retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 },
        breaker: { failureThreshold: 6, cooldownMs: 30_000 },
        signer: testSigner(device),
        opener: testOpener(device),
        store,
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
        fetch: counting,
        answerRefused: (reason) => refused.push(reason),
        ...overrides,
      }),
    close: () => server.close(),
  };
};
