import { parseArgs } from 'node:util';
import { systemClock } from '../../core/index.js';
import { startServer } from '../../gateway/index.js';
import { createLogger } from '../../log/index.js';
import { SeededRandom } from '../../sim/index.js';
import {
  abortableSleep,
  recordsService,
  unsealedAnswers,
  unverifiedRequests,
} from '../../sim/records/index.js';
import { UsageError, untilAborted, wantsHelp, write, type Command } from '../command.js';

const help = `ems-gateway records-sim [options]

Runs the reference records service: POST /records/v1/summary (docs/records.md) answers with a FHIR R4
International Patient Summary for the synthetic card holder whose certificate serial the signed request
names, from the same seeded population as the card emulator. Synthetic data only.

  --host HOST           listen address (default 127.0.0.1)
  --port N              port (default 8090; 0 = any free port)
  --seed N              population seed (default 1, as the demo's in-process card)
  --population N        holders 0..N-1 have records (default 1000)
  --principal ID        this service's principal id, the audience requests must name (default records-demo)
  --latency MS          added to every answer (default 0)
  --error-rate P        share of requests answered 503 (0–1, default 0)
  --timeout-rate P      share of requests never answered (0–1, default 0)
  --truncate-rate P     share of bundles cut to their first 60 % of entries (0–1, default 0)

Card statuses come from the population: about 2 % suspended, 1 % revoked, 2 % certificate expired and
3 % without eligibility (資格なし).

Until device keys exist (issue #4) this command neither verifies request signatures nor seals its
answers, and says so when it starts; tests and benchmarks run it with real signing and sealing.`;

const number = (
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`${name} must be a number from ${min} to ${max}`);
  return n;
};

const integer = (
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number => {
  const n = number(name, raw, fallback, min, max);
  if (!Number.isInteger(n)) throw new UsageError(`${name} must be a whole number`);
  return n;
};

export const recordsSimCommand: Command = {
  name: 'records-sim',
  summary: 'run the reference records service',
  help,
  async run(args, io) {
    if (wantsHelp(args)) {
      write(io.stdout, help);
      return 0;
    }
    const { values } = parseArgs({
      args: [...args],
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        seed: { type: 'string' },
        population: { type: 'string' },
        principal: { type: 'string' },
        latency: { type: 'string' },
        'error-rate': { type: 'string' },
        'timeout-rate': { type: 'string' },
        'truncate-rate': { type: 'string' },
      },
    });
    const principal = values.principal ?? 'records-demo';
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(principal))
      throw new UsageError('--principal must be 2–63 lower-case letters, digits or hyphens');
    const seed = integer('--seed', values.seed, 1, 0, 2 ** 32 - 1);
    const rng = new SeededRandom(seed).fork('records-sim-faults');
    const logger = createLogger({ name: 'records-sim' });
    const app = recordsService({
      seed,
      populationSize: integer('--population', values.population, 1000, 1, 1_000_000),
      principalId: principal,
      verifier: unverifiedRequests,
      sealer: unsealedAnswers,
      clock: systemClock,
      random: () => rng.next(),
      sleep: abortableSleep,
      logger,
      faults: {
        latencyMs: integer('--latency', values.latency, 0, 0, 120_000),
        errorRate: number('--error-rate', values['error-rate'], 0, 0, 1),
        timeoutRate: number('--timeout-rate', values['timeout-rate'], 0, 0, 1),
        truncateRate: number('--truncate-rate', values['truncate-rate'], 0, 0, 1),
      },
    });
    const server = await startServer(app, {
      host: values.host ?? '127.0.0.1',
      port: integer('--port', values.port, 8090, 0, 65535),
    });
    write(
      io.stdout,
      [
        `records-sim ${principal} listening on ${server.url} (seed ${seed}; synthetic data only)`,
        'WARNING: development mode: request signatures are not verified and answers are not sealed',
        '(device keys arrive with issue #4). Ctrl-C stops.',
      ].join('\n'),
    );
    await untilAborted(io.signal);
    await server.close();
    return 0;
  },
};
