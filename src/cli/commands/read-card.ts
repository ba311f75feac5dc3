import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createLogger } from '../../log/index.js';
import { parseTrustAnchors, PcscBackend, ReaderService, type TrustAnchor } from '../../reader/index.js';
import { numberOption, UsageError, write, type Command } from '../command.js';

const help = `ems-gateway read-card --trust-anchor FILE [--trust-anchor FILE …] [--reader NAME] [--json]
                      [--wait SECONDS] [--attester ID]

Reads the card on a PC/SC reader (through pcscd) and prints its CardIdentity: the JPKI user-auth
certificate checked against the trust anchors, in visual mode (no PIN is used), and the number of
APDUs exchanged. The certificate serial, DER and validity dates are printed as [redacted]: this
command shows no personal data. The Individual Number is never read.

  --trust-anchor FILE  PEM file of an accepted CA (J-LIS, or card-sim's STATE/ca/ca.pem); repeatable
  --reader NAME        use the reader whose name contains NAME (default: the first holding a card)
  --json               print JSON instead of text
  --wait SECONDS       how long to wait for a reader and a card (default 10)
  --attester ID        crew id recorded as the visual attester (default cli-operator)

Exit codes: 0 identified, 1 not identified (the reason is printed), 2 usage error.`;

const loadAnchors = async (files: readonly string[]): Promise<readonly TrustAnchor[]> => {
  const anchors: TrustAnchor[] = [];
  for (const file of files) {
    const parsed = parseTrustAnchors(await readFile(file, 'utf8'));
    if (!parsed.ok) throw new UsageError(`${file}: ${parsed.error}`);
    anchors.push(...parsed.value);
  }
  return anchors;
};

export const readCardCommand: Command = {
  help,
  async run(args, io) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        'trust-anchor': { type: 'string', multiple: true },
        reader: { type: 'string' },
        json: { type: 'boolean' },
        wait: { type: 'string' },
        attester: { type: 'string' },
      },
    });
    const files = values['trust-anchor'] ?? [];
    if (files.length === 0) throw new UsageError('--trust-anchor FILE is required');
    const waitSeconds = numberOption('--wait', values.wait, 10, 0, 3600);
    const trustAnchors = await loadAnchors(files);
    const logger = createLogger({ name: 'read-card', level: 'warn' });
    const service = new ReaderService(new PcscBackend({ logger }), {
      trustAnchors,
      logger,
      ...(values.reader === undefined ? {} : { readerName: values.reader }),
    });
    try {
      const deadline = Date.now() + waitSeconds * 1_000;
      while (!service.readers().some((r) => r.cardPresent) && Date.now() < deadline && !io.signal.aborted)
        await new Promise((r) => setTimeout(r, 50));
      const result = await service.identify({ mode: 'visual', attester: values.attester ?? 'cli-operator' });
      if (values.json === true) {
        write(io.stdout, JSON.stringify(result.ok ? { ok: true, identity: result.value } : result, null, 2));
      } else if (result.ok) {
        const id = result.value;
        write(
          io.stdout,
          [
            'CardIdentity',
            `  certificate serial  ${String(id.certificateSerial)}`,
            `  issuer              ${id.issuer}`,
            `  validity            ${String(id.validity)} (checked: current)`,
            `  mode                ${id.mode}${id.attester === undefined ? '' : ` (attester ${id.attester})`}`,
            `  certificate         ${id.verification.certificate}`,
            `  card presence       ${id.verification.cardPresence}`,
            `  APDUs               ${id.apduCount}`,
          ].join('\n'),
        );
      } else {
        write(
          io.stderr,
          `${result.error.crewMessage}\n  (${result.error.code}: ${result.error.detail}; ${result.error.apduCount} APDUs)`,
        );
      }
      return result.ok ? 0 : 1;
    } finally {
      await service.close();
    }
  },
};
