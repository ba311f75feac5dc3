import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SummaryCache } from '../src/cache/index.js';
import { systemClock, type Clock } from '../src/core/index.js';
import { DirectorySource, fromBase64, readKeyFile, toError } from '../src/crypto/index.js';
import { silentLogger } from '../src/log/index.js';
import { RecordsClient, systemTimers } from '../src/records/index.js';
import { ensureDemoKeys } from '../src/roles/demo-keys.js';
import { cacheSummaryStore, deviceSigner, envelopeResponseOpener } from '../src/roles/tablet/index.js';
import { loadOrCreateTestCa } from '../src/sim/card/index.js';
import { startReferenceRecords, type RunningReferenceRecords } from '../src/sim/records/index.js';
import { percentile } from './report.js';

export const UNIT = 'amb-bench-01';
export const RECORDS = 'records-bench';
/** The demo's population: the emulated cards, the register and the records service share it. */
export const SEED = 1;
export const POPULATION = 1000;

/** The `at` percentile of unsorted samples. */
export const p = (xs: readonly number[], at: number): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    at,
  );

/**
 * The parts every records bench runs on, made as the ambulance role makes them: demo keys and the
 * signed directory in a fresh data folder, the card emulator's test CA, this unit's key, and the
 * summary cache the client keeps answers in.
 */
export const recordsBench = async (name: string) => {
  const dataDir = mkdtempSync(join(tmpdir(), `ems-bench-${name}-`));
  const keys = await ensureDemoKeys(
    dataDir,
    [
      { id: UNIT, role: 'ambulance', displayName: 'Bench ambulance' },
      { id: RECORDS, role: 'records', displayName: 'Bench records' },
    ],
    Date.now(),
  );
  const cardState = join(dataDir, 'card-emulator');
  const ca = await loadOrCreateTestCa(cardState);
  const identity = await readKeyFile(keys.keyFile(UNIT));
  if (!identity.ok) throw toError(identity.error);
  const directory = await DirectorySource.load(
    keys.directoryFile,
    fromBase64(keys.operatorPublicKey) as Uint8Array,
    silentLogger,
  );
  if (!directory.ok) throw toError(directory.error);
  const cache = SummaryCache.create({
    maxEntries: 1_000,
    maxBytes: 64 * 2 ** 20,
    ttlMs: 3_600_000,
    clock: systemClock,
  });
  if (!cache.ok) throw cache.error;
  const store = cacheSummaryStore(cache.value, systemClock);

  return {
    cardState,
    ca,
    keys,
    identity: identity.value,
    cache: cache.value,
    store,
    /** The cache closed, the directory's watcher stopped, this unit's key wiped. */
    close: async (): Promise<void> => {
      cache.value.close();
      await directory.value.close();
      identity.value.wipe();
    },
    /** The reference records service on loopback (port 0), with the bench's own options. */
    startRecords: (
      options: Pick<Parameters<typeof startReferenceRecords>[0], 'faults' | 'kinds'>,
    ): Promise<RunningReferenceRecords> =>
      startReferenceRecords({
        keyFile: keys.keyFile(RECORDS),
        directoryFile: keys.directoryFile,
        operatorPublicKey: keys.operatorPublicKey,
        trustAnchorFiles: [join(cardState, 'ca', 'ca.pem')],
        seed: SEED,
        populationSize: POPULATION,
        host: '127.0.0.1',
        port: 0,
        clock: systemClock,
        logger: silentLogger,
        ...options,
      }),
    /**
     * The records client as the tablet runs it (device-signed requests, answers sealed to this unit
     * and checked), one attempt, answers kept in the cache; a refused answer fails the bench.
     */
    client: (records: RunningReferenceRecords, clock: Clock = systemClock): RecordsClient =>
      new RecordsClient({
        baseUrl: records.url,
        audience: RECORDS,
        unit: UNIT,
        timeoutMs: 8_000,
        retry: { maxAttempts: 1, baseDelayMs: 200, maxDelayMs: 5_000 },
        breaker: { failureThreshold: 5, cooldownMs: 30_000 },
        signer: deviceSigner(identity.value),
        opener: envelopeResponseOpener({
          keys: [identity.value],
          directory: directory.value,
          clock: systemClock,
          from: RECORDS,
        }),
        store,
        clock,
        timers: systemTimers,
        random: Math.random,
        logger: silentLogger,
        answerRefused: (reason) => {
          throw new Error(`records answer refused: ${reason}`);
        },
      }),
  };
};
