import { readFile } from 'node:fs/promises';
import type { Clock } from '../../core/index.js';
import { DirectorySource, fromBase64, readKeyFile, toError } from '../../crypto/index.js';
import { startServer, type RunningServer } from '../../gateway/index.js';
import type { Logger } from '../../log/index.js';
import { parseTrustAnchors, type TrustAnchor } from '../../reader/index.js';
import { SeededRandom } from '../random.js';
import { certificateCardCheck, directoryVerifier, envelopeSealer } from './ports.js';
import { DEMO_PATIENT_IDENTIFIER_SYSTEM } from './fhir-population.js';
import { abortableSleep, recordsService, type FaultModes } from './service.js';
import { Hono } from 'hono';

export interface ReferenceRecordsOptions {
  /** The service's own key file: its principal is the audience requests must name. */
  readonly keyFile: string;
  readonly directoryFile: string;
  /** Base64 Ed25519 key of the directory's operator. */
  readonly operatorPublicKey: string;
  /** PEM files of the CAs whose card certificates are accepted (the emulator's test CA). */
  readonly trustAnchorFiles: readonly string[];
  readonly seed: number;
  readonly populationSize: number;
  readonly host: string;
  readonly port: number;
  readonly faults?: FaultModes;
  readonly hangMs?: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Which upstream kinds to serve on the one port: the sealed records API (needs the trust anchors),
   * the FHIR R4 server with SMART Backend Services at `/fhir/R4/`, or both side by side (the demo).
   */
  readonly kinds?: 'sealed' | 'fhir' | 'both';
  /** The FHIR server offers `Patient/$summary` (else clients assemble from searches). */
  readonly fhirSummary?: boolean;
}

export interface RunningReferenceRecords {
  /** The sealed records API's base URL (also the origin of the FHIR server). */
  readonly url: string;
  /** The FHIR base URL, when served. */
  readonly fhirUrl: string | undefined;
  /** Identifier.system the FHIR server links a card's certificate serial under. */
  readonly patientIdentifierSystem: string;
  readonly principal: string;
  close(): Promise<void>;
}

const anchorsFrom = async (files: readonly string[]): Promise<TrustAnchor[]> => {
  const anchors: TrustAnchor[] = [];
  for (const file of files) {
    const parsed = parseTrustAnchors(await readFile(file, 'utf8'));
    if (!parsed.ok) throw new Error(`trust anchor ${file}: ${parsed.error}`);
    anchors.push(...parsed.value);
  }
  return anchors;
};

/**
 * The reference records service as the demo and `records-sim` run it: requests verified against the
 * pinned directory, cards checked against the card CA, answers sealed to the requesting device.
 */
export const startReferenceRecords = async (
  options: ReferenceRecordsOptions,
): Promise<RunningReferenceRecords> => {
  const key = await readKeyFile(options.keyFile);
  if (!key.ok) throw toError(key.error);
  const identity = key.value;
  const operatorKey = fromBase64(options.operatorPublicKey);
  if (operatorKey === null) {
    identity.wipe();
    throw new Error('the operator public key is not base64');
  }
  const directory = await DirectorySource.load(options.directoryFile, operatorKey, options.logger);
  if (!directory.ok) {
    identity.wipe();
    throw toError(directory.error);
  }
  directory.value.watch();
  let server: RunningServer;
  let fhirUrl: string | undefined;
  let fhirBase: string | undefined;
  try {
    const rng = new SeededRandom(options.seed).fork('records-sim-faults');
    const kinds = options.kinds ?? 'sealed';
    const app = new Hono();
    if (kinds !== 'fhir')
      app.route(
        '/',
        recordsService({
          seed: options.seed,
          populationSize: options.populationSize,
          principalId: identity.principal,
          verifier: directoryVerifier(directory.value, options.clock),
          sealer: envelopeSealer(identity, directory.value, options.clock),
          cards: certificateCardCheck(await anchorsFrom(options.trustAnchorFiles)),
          clock: options.clock,
          random: () => rng.next(),
          sleep: abortableSleep,
          logger: options.logger,
          ...(options.faults === undefined ? {} : { faults: options.faults }),
          ...(options.hangMs === undefined ? {} : { hangMs: options.hangMs }),
        }),
      );
    if (kinds !== 'sealed') {
      // Loaded only for a FHIR kind (index.ts, loadFhirRecordsServer: medplum's engine, ~2 MiB of heap).
      const { FHIR_BASE_PATH, fhirRecordsServer } = await import('./fhir-server.js');
      fhirBase = FHIR_BASE_PATH;
      const fhir = fhirRecordsServer({
        seed: options.seed,
        populationSize: options.populationSize,
        identifierSystem: DEMO_PATIENT_IDENTIFIER_SYSTEM,
        summary: options.fhirSummary ?? true,
        verifier: directoryVerifier(directory.value, options.clock),
        clock: options.clock,
        random: () => rng.next(),
        sleep: abortableSleep,
        logger: options.logger,
        ...(options.faults === undefined ? {} : { faults: options.faults }),
        ...(options.hangMs === undefined ? {} : { hangMs: options.hangMs }),
      });
      app.route('/', fhir.app);
    }
    server = await startServer(app, { host: options.host, port: options.port });
    fhirUrl = fhirBase === undefined ? undefined : `${server.url}${fhirBase}`;
  } catch (error) {
    await directory.value.close();
    identity.wipe();
    throw error;
  }
  return {
    url: server.url,
    fhirUrl,
    patientIdentifierSystem: DEMO_PATIENT_IDENTIFIER_SYSTEM,
    principal: identity.principal,
    close: async () => {
      await server.close();
      await directory.value.close();
      identity.wipe();
    },
  };
};
