import { readFile, rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  DeviceIdentity,
  readDirectoryFile,
  signDirectory,
  toBase64,
  toError,
  writeKeyFile,
} from '../../crypto/index.js';
import { UsageError, write, type Command } from '../command.js';
import { loadKey, operatorKey, timeOption } from './crypto-io.js';

const help = `ems-gateway keys generate --principal ID --out FILE [--passphrase-env NAME]
ems-gateway keys directory sign --operator-key FILE --in PAYLOAD.json --out DIRECTORY.json
                                [--passphrase-env NAME]
ems-gateway keys directory verify --operator-public-key B64 [--at TIME] DIRECTORY.json

generate   Creates a principal's Ed25519 signing key and X25519 encryption key in a new key file
           (mode 0600; an existing file is never overwritten) and prints the public part as JSON:
           principal, keyId, ed25519, x25519, ready for the operator's directory. With
           --passphrase-env the private keys are sealed under the passphrase in that variable.
sign       Validates a directory payload ({ region, serial, issuedAt, entries: [...] }; see
           docs/protocol.md) and signs it with the operator's key file. The output replaces
           DIRECTORY.json by rename, so running gateways reload it safely.
verify     Verifies a signed directory against the operator's public key (base64; also read from
           EMS_DIRECTORY__OPERATOR_PUBLIC_KEY) and lists each key with its status now (or --at).
           Exit code 1 with the error code if the directory is refused.`;

const generate = async (args: readonly string[], io: Parameters<Command['run']>[1]): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      principal: { type: 'string' },
      out: { type: 'string' },
      'passphrase-env': { type: 'string' },
    },
  });
  if (values.principal === undefined || values.out === undefined)
    throw new UsageError('keys generate needs --principal ID and --out FILE');
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(values.principal))
    throw new UsageError('--principal must be 2–63 lower-case letters, digits or hyphens');
  const passphraseEnv = values['passphrase-env'];
  const passphrase = passphraseEnv === undefined ? undefined : io.env[passphraseEnv];
  if (passphraseEnv !== undefined && (passphrase === undefined || passphrase === ''))
    throw new UsageError(`environment variable ${passphraseEnv} is not set`);
  const identity = DeviceIdentity.generate(values.principal);
  try {
    const written = await writeKeyFile(values.out, identity, {
      createdAt: Date.now(),
      ...(passphrase === undefined ? {} : { passphrase }),
    });
    if (!written.ok) throw toError(written.error);
    const publicPart = {
      principal: identity.principal,
      keyId: identity.keyIdHex,
      ed25519: toBase64(identity.publicKeys.ed25519),
      x25519: toBase64(identity.publicKeys.x25519),
    };
    write(io.stdout, JSON.stringify(publicPart, null, 2));
    return 0;
  } finally {
    identity.wipe();
  }
};

const sign = async (args: readonly string[], io: Parameters<Command['run']>[1]): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      'operator-key': { type: 'string' },
      in: { type: 'string' },
      out: { type: 'string' },
      'passphrase-env': { type: 'string' },
    },
  });
  if (values['operator-key'] === undefined || values.in === undefined || values.out === undefined)
    throw new UsageError('keys directory sign needs --operator-key FILE, --in FILE and --out FILE');
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(values.in, 'utf8'));
  } catch (cause) {
    write(io.stderr, `${values.in}: cannot read a JSON payload (${(cause as Error).message})`);
    return 1;
  }
  const operator = await loadKey(values['operator-key'], values['passphrase-env'], io);
  try {
    const signed = signDirectory(payload, operator);
    if (!signed.ok) {
      write(io.stderr, `${signed.error.code}: ${signed.error.message}`);
      return 1;
    }
    await writeFile(`${values.out}.tmp`, signed.value, { mode: 0o644 });
    await rename(`${values.out}.tmp`, values.out);
    write(io.stdout, `${values.out}: signed by operator key ${operator.keyIdHex}`);
    return 0;
  } finally {
    operator.wipe();
  }
};

const verify = async (args: readonly string[], io: Parameters<Command['run']>[1]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { 'operator-public-key': { type: 'string' }, at: { type: 'string' } },
  });
  const [file, ...rest] = positionals;
  if (file === undefined || rest.length > 0) throw new UsageError('keys directory verify needs one FILE');
  const now = timeOption(values.at);
  const read = await readDirectoryFile(file, operatorKey(values['operator-public-key'], io));
  if (!read.ok) {
    write(io.stderr, `${read.error.code}: ${read.error.message}`);
    return 1;
  }
  const d = read.value;
  const lines = [
    `${file}: valid signature; region ${d.region}, serial ${d.serial}, issued ${new Date(d.issuedAt).toISOString()}`,
    ...d.entries.map(
      (e) =>
        `  ${e.principal.padEnd(20)} ${e.role.padEnd(10)} ${e.keyIdHex}  ${d.statusOf(e, now).padEnd(13)} ` +
        `${new Date(e.validFrom).toISOString()} → ${new Date(e.validUntil).toISOString()}`,
    ),
  ];
  write(io.stdout, lines.join('\n'));
  return 0;
};

export const keysCommand: Command = {
  help,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'generate') return generate(rest, io);
    if (sub === 'directory') {
      const [action, ...more] = rest;
      if (action === 'sign') return sign(more, io);
      if (action === 'verify') return verify(more, io);
    }
    throw new UsageError('expected: keys generate | keys directory sign | keys directory verify');
  },
};
