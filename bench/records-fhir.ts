import { systemClock } from '../src/core/index.js';
import type { DeviceIdentity } from '../src/crypto/index.js';
import { phi, silentLogger } from '../src/log/index.js';
import type { IdentifyRequest, ReaderService } from '../src/reader/index.js';
import { loadFhirRecords, systemTimers, type SummaryStore } from '../src/records/index.js';
import { deviceSigner, recordsIdentity } from '../src/roles/tablet/index.js';
import { cardholder } from '../src/sim/index.js';
import { EmulatedCard, type InProcessReader, type loadOrCreateCard } from '../src/sim/card/index.js';
import { startReferenceRecords } from '../src/sim/records/index.js';
import { percentile, type Figure } from './report.js';

export interface FhirBenchParts {
  readonly reader: ReaderService;
  readonly backend: InProcessReader;
  readonly cards: readonly Awaited<ReturnType<typeof loadOrCreateCard>>[];
  readonly holders: readonly number[];
  readonly seed: number;
  readonly store: SummaryStore;
  readonly purge: (session: string) => void;
  readonly identity: DeviceIdentity;
  readonly unit: string;
  readonly keyFile: string;
  readonly directoryFile: string;
  readonly operatorPublicKey: string;
  readonly runs: readonly (readonly [latencyMs: number, taps: number])[];
}

const { FhirRecordsClient, nodeTransport } = await loadFhirRecords();

const p = (xs: readonly number[], at: number): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    at,
  );

/**
 * The FHIR kind, card present → summary in cache: the same card and cache as the sealed runs, the
 * FhirRecordsClient (SMART token by the device key, cached) against the reference FHIR server
 * (medplum's engine) over real HTTP on loopback, with `$summary` and by search assembly.
 */
export const fhirFigures = async (
  parts: FhirBenchParts,
): Promise<{ figures: Figure[]; totalsAtZero: number[] }> => {
  const figures: Figure[] = [];
  const totalsAtZero: number[] = [];
  for (const summary of [true, false]) {
    const mode = summary ? 'FHIR $summary' : 'FHIR search assembly';
    for (const [latencyMs, taps] of parts.runs) {
      const records = await startReferenceRecords({
        keyFile: parts.keyFile,
        directoryFile: parts.directoryFile,
        operatorPublicKey: parts.operatorPublicKey,
        trustAnchorFiles: [],
        seed: parts.seed,
        // Only the benchmarked holders: loading the engine is not what is measured.
        populationSize: Math.max(...parts.holders) + 1,
        host: '127.0.0.1',
        port: 0,
        faults: { latencyMs, errorRate: 0, timeoutRate: 0, truncateRate: 0 },
        kinds: 'fhir',
        fhirSummary: summary,
        clock: systemClock,
        logger: silentLogger,
      });
      const client = new FhirRecordsClient({
        baseUrl: records.fhirUrl ?? '',
        clientId: parts.unit,
        scope: 'system/*.read',
        patientIdentifierSystem: records.patientIdentifierSystem,
        pageSize: 100,
        maxPerType: 1000,
        capabilityTtlMs: 3_600_000,
        timeoutMs: 8_000,
        retry: { maxAttempts: 1, baseDelayMs: 200, maxDelayMs: 5_000 },
        breaker: { failureThreshold: 5, cooldownMs: 30_000 },
        signer: deviceSigner(parts.identity),
        store: parts.store,
        transport: nodeTransport(),
        clock: systemClock,
        timers: systemTimers,
        random: Math.random,
        logger: silentLogger,
        answerRefused: (reason) => {
          throw new Error(`records answer refused: ${reason}`);
        },
      });
      const totals: number[] = [];
      const trips: number[] = [];
      const warm = 4;
      for (let i = 0; i < warm + taps; i++) {
        const index = parts.holders[i % parts.holders.length] as number;
        const request: IdentifyRequest =
          i % 2 === 1
            ? { mode: 'pin', pin: phi(cardholder(parts.seed, index).authPin) }
            : { mode: 'visual', attester: 'crew-bench' };
        const t0 = performance.now();
        parts.backend.insert(
          new EmulatedCard(parts.cards[i % parts.cards.length] as (typeof parts.cards)[number]),
        );
        const card = await parts.reader.identify(request);
        if (!card.ok) throw new Error(`card not identified: ${card.error.code}`);
        const session = `cs-bench-fhir-${String(summary)}-${latencyMs}-${i}`;
        const outcome = await client.fetchSummary({
          identity: recordsIdentity(card.value),
          consent: { basis: 'given' },
          purpose: 'emergency-care',
          crewMember: 'crew-bench',
          session,
        });
        const t1 = performance.now();
        if (outcome.code !== 'ok') throw new Error(`FHIR records request failed: ${outcome.code}`);
        parts.backend.remove();
        parts.purge(session);
        if (i < warm) continue;
        totals.push(t1 - t0);
        trips.push(outcome.attempts);
      }
      await records.close();
      if (latencyMs === 0 && summary) totalsAtZero.push(...totals);
      const at = `${mode}, latency ${latencyMs} ms`;
      figures.push(
        { name: `${at}: card present → summary in cache, p50`, value: p(totals, 50), unit: 'ms' },
        { name: `${at}: card present → summary in cache, p95`, value: p(totals, 95), unit: 'ms' },
        {
          name: `${at}: HTTP round trips per summary (token and CapabilityStatement cached)`,
          value: p(trips, 50),
          unit: 'count',
        },
      );
    }
  }
  return { figures, totalsAtZero };
};
