import { parseArgs } from 'node:util';
import { systemClock } from '../../core/index.js';
import { createLogger } from '../../log/index.js';
import { DEMO_PATIENT_IDENTIFIER_SYSTEM, startReferenceRecords } from '../../sim/records/index.js';
import { integerOption, numberOption, UsageError, untilAborted, write, type Command } from '../command.js';

const help = `ems-gateway records-sim --key FILE --directory FILE --operator-key BASE64 --trust-anchor PEM [options]
ems-gateway records-sim --fhir --key FILE --directory FILE --operator-key BASE64 [options]

Runs the reference records service: POST /records/v1/summary (docs/records.md) answers with a FHIR R4
International Patient Summary for the synthetic card holder whose certificate serial the signed request
names, from the same seeded population as the card emulator. Synthetic data only.

Requests must be signed by an ambulance key valid in the pinned key directory; the card certificate
must chain to a trust anchor (and, in PIN mode, the card's challenge signature must verify); answers
are sealed in an envelope to the requesting device's key.

With --fhir it serves instead a FHIR R4 server at /fhir/R4/ (medplum's engine, the same population as
FHIR resources; Patient linked to the card by identifier system ${DEMO_PATIENT_IDENTIFIER_SYSTEM})
with SMART Backend Services: GET /fhir/R4/.well-known/smart-configuration, POST /auth/token with a
private_key_jwt client assertion (EdDSA) signed by an ambulance key valid in the directory (client id =
its principal id), scopes system/*.read or narrower. No trust anchor is needed.

  --key FILE            this service's key file (its principal is the audience requests must name)
  --directory FILE      the signed key directory
  --operator-key B64    the directory operator's Ed25519 public key (base64)
  --trust-anchor PEM    the card CA certificate (repeatable; the card emulator's ca/ca.pem)
  --host HOST           listen address (default 127.0.0.1)
  --port N              port (default 8090; 0 = any free port)
  --seed N              population seed (default 1, as the demo's in-process card)
  --population N        holders 0..N-1 have records (default 1000)
  --latency MS          added to every answer (default 0)
  --error-rate P        share of requests answered 503 (0–1, default 0)
  --timeout-rate P      share of requests never answered (0–1, default 0)
  --truncate-rate P     share of bundles cut to their first 60 % of entries (0–1, default 0)
  --fhir                serve the FHIR R4 server alone (see above)
  --search-only         with --fhir: do not offer Patient/$summary (clients assemble from searches)

Card statuses come from the population: about 2 % suspended, 1 % revoked, 2 % certificate expired and
3 % without eligibility (資格なし).`;

export const recordsSimCommand: Command = {
  help,
  async run(args, io) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        seed: { type: 'string' },
        population: { type: 'string' },
        key: { type: 'string' },
        directory: { type: 'string' },
        'operator-key': { type: 'string' },
        'trust-anchor': { type: 'string', multiple: true },
        latency: { type: 'string' },
        'error-rate': { type: 'string' },
        'timeout-rate': { type: 'string' },
        'truncate-rate': { type: 'string' },
        fhir: { type: 'boolean' },
        'search-only': { type: 'boolean' },
      },
    });
    const required = (name: 'key' | 'directory' | 'operator-key'): string => {
      const value = values[name];
      if (value === undefined) throw new UsageError(`--${name} is required`);
      return value;
    };
    const fhir = values.fhir === true;
    const anchors = values['trust-anchor'] ?? [];
    if (anchors.length === 0 && !fhir) throw new UsageError('--trust-anchor is required');
    if (values['search-only'] === true && !fhir) throw new UsageError('--search-only needs --fhir');
    const seed = integerOption('--seed', values.seed, 1, 0, 2 ** 32 - 1);
    const logger = createLogger({ name: 'records-sim' });
    const server = await startReferenceRecords({
      keyFile: required('key'),
      directoryFile: required('directory'),
      operatorPublicKey: required('operator-key'),
      trustAnchorFiles: anchors,
      seed,
      populationSize: integerOption('--population', values.population, 1000, 1, 1_000_000),
      host: values.host ?? '127.0.0.1',
      port: integerOption('--port', values.port, 8090, 0, 65535),
      faults: {
        latencyMs: integerOption('--latency', values.latency, 0, 0, 120_000),
        errorRate: numberOption('--error-rate', values['error-rate'], 0, 0, 1),
        timeoutRate: numberOption('--timeout-rate', values['timeout-rate'], 0, 0, 1),
        truncateRate: numberOption('--truncate-rate', values['truncate-rate'], 0, 0, 1),
      },
      kinds: fhir ? 'fhir' : 'sealed',
      fhirSummary: values['search-only'] !== true,
      clock: systemClock,
      logger,
    });
    write(
      io.stdout,
      `records-sim ${server.principal} listening on ${server.fhirUrl ?? server.url} (${fhir ? 'FHIR R4' : 'sealed API'}; seed ${seed}; synthetic data only). Ctrl-C stops.`,
    );
    await untilAborted(io.signal);
    await server.close();
    return 0;
  },
};
