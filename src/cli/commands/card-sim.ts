import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../log/index.js';
import {
  EmulatedCard,
  FAULT_NAMES,
  loadOrCreateCard,
  parseFaults,
  VPCD_DEFAULT_PORT,
  VpcdCard,
} from '../../sim/card/index.js';
import { integerOption, UsageError, untilAborted, write, type Command } from '../command.js';

const help = `ems-gateway card-sim [--seed N] [--index N] [--faults LIST] [--vpcd-host HOST]
                      [--vpcd-port PORT] [--state-dir DIR]

Emulates a My Number Card (JPKI AP and 券面事項入力補助AP) for the synthetic holder INDEX of the
population SEED, and puts it into the vpcd virtual reader of pcscd (Debian package vsmartcard-vpcd).
OpenSC and 'ems-gateway read-card' then see it as a card on "Virtual PCD 00 00". Ctrl-C removes it.

  --seed N          population seed (default 1); same seed → same holder and certificate serial
  --index N         holder index (default 0)
  --faults LIST     comma-separated: ${FAULT_NAMES.join(', ')}
  --vpcd-host HOST  where vpcd listens (default 127.0.0.1)
  --vpcd-port PORT  vpcd's port (default ${VPCD_DEFAULT_PORT}, CHANNELID in /etc/reader.conf.d/vpcd)
  --state-dir DIR   test CA, card keys and PIN counters (default ./.data/card-emulator);
                    the test CA is DIR/ca/ca.pem: give it to the gateway as a trust anchor

All data is synthetic. The emulator never prints the holder's personal data.`;

export const cardSimCommand: Command = {
  help,
  async run(args, io) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        seed: { type: 'string' },
        index: { type: 'string' },
        faults: { type: 'string' },
        'vpcd-host': { type: 'string' },
        'vpcd-port': { type: 'string' },
        'state-dir': { type: 'string' },
      },
    });
    let faults;
    try {
      faults = parseFaults(values.faults ?? '');
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const seed = integerOption('--seed', values.seed, 1, 0, 2 ** 32 - 1);
    const index = integerOption('--index', values.index, 0, 0, Number.MAX_SAFE_INTEGER);
    const port = integerOption('--vpcd-port', values['vpcd-port'], VPCD_DEFAULT_PORT, 0, 65_535);
    const host = values['vpcd-host'] ?? '127.0.0.1';
    const stateDir = resolve(values['state-dir'] ?? './.data/card-emulator');
    const logger = createLogger({ name: 'card-sim' });
    const card = new EmulatedCard(await loadOrCreateCard(stateDir, seed, index), faults);
    const vpcd = new VpcdCard(card, { host, port, logger });
    vpcd.on('connected', () => write(io.stdout, `card in the vpcd reader at ${host}:${port}`));
    vpcd.on('disconnected', (reason) => write(io.stdout, `card out of the reader: ${reason}`));
    write(
      io.stdout,
      `emulated My Number Card: seed ${seed}, holder #${index}; test CA ${resolve(stateDir, 'ca', 'ca.pem')}`,
    );
    vpcd.insert();
    await untilAborted(io.signal);
    vpcd.remove();
    write(io.stdout, `answered ${card.log.length} APDUs`);
    return 0;
  },
};
