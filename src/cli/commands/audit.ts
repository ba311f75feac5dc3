import { parseArgs } from 'node:util';
import { ed25519Verify, readAuditFile, verifyLog } from '../../gateway/index.js';
import { UsageError, write, type Command } from '../command.js';

const help = `ems-gateway audit verify FILE [--public-key HEX]

Checks an instance's audit log (DATA_DIR/audit.db) without changing it: every entry's SHA-256 hash,
the chain from each entry to the one before, the sequence, and every Ed25519-signed checkpoint.
Reports the first entry that was edited, removed, inserted or reordered, and exits 1 if any.

  --public-key HEX   the instance's checkpoint key, from a trusted copy. Without it the key stored in
                     the file is used, which proves integrity only against someone who could not
                     also re-sign (keep a copy of the key elsewhere).`;

export const auditCommand: Command = {
  help,
  async run(args, io) {
    const { positionals, values } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { 'public-key': { type: 'string' } },
    });
    const [sub, file, ...rest] = positionals;
    if (sub !== 'verify' || file === undefined || rest.length > 0)
      throw new UsageError('expected: audit verify FILE');
    const log = readAuditFile(file);
    const key = values['public-key'] ?? log.publicKey;
    if (!/^[0-9a-f]{64}$/i.test(key)) {
      write(io.stderr, `${file}: no usable checkpoint public key`);
      return 1;
    }
    const result = verifyLog(
      log.entries,
      log.checkpoints,
      log.device,
      Buffer.from(key, 'hex'),
      await ed25519Verify(),
    );
    if (!result.ok) {
      write(io.stderr, `${file}: TAMPERED: ${result.error.kind} at entry ${result.error.seq}`);
      return 1;
    }
    const { entries, checkpoints, unanchored } = result.value;
    write(
      io.stdout,
      `${file}: intact: ${entries} entries, ${checkpoints} signed checkpoints` +
        (unanchored > 0 ? ` (${unanchored} after the last checkpoint)` : '') +
        (values['public-key'] === undefined ? '; key taken from the file' : '; key given'),
    );
    return 0;
  },
};
