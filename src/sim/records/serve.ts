import { readFile } from 'node:fs/promises';
import type { Clock } from '../../core/index.js';
import { DirectorySource, fromBase64, readKeyFile, toError } from '../../crypto/index.js';
import { startServer, type RunningServer } from '../../gateway/index.js';
import type { Logger } from '../../log/index.js';
import { parseTrustAnchors, type TrustAnchor } from '../../reader/index.js';
import { SeededRandom } from '../random.js';
import { certificateCardCheck, directoryVerifier, envelopeSealer } from './ports.js';
import { abortableSleep, recordsService, type FaultModes } from './service.js';

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
}

export interface RunningReferenceRecords {
  readonly url: string;
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
  try {
    const rng = new SeededRandom(options.seed).fork('records-sim-faults');
    const app = recordsService({
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
    });
    server = await startServer(app, { host: options.host, port: options.port });
  } catch (error) {
    await directory.value.close();
    identity.wipe();
    throw error;
  }
  return {
    url: server.url,
    principal: identity.principal,
    close: async () => {
      await server.close();
      await directory.value.close();
      identity.wipe();
    },
  };
};
