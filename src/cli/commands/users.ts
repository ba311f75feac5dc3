import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.js';
import {
  base32Decode,
  issueCredentials,
  PRODUCTION_COST,
  rolesFor,
  totp,
  UserStore,
  usersFileOf,
  type UserRoleName,
} from '../../gateway/index.js';
import { UsageError, write, type Command } from '../command.js';

const help = `ems-gateway users add|list|remove --config FILE [--user ID] [--role ROLE]
ems-gateway users code SECRET

Manages the people who may log in to one instance (users.db in its data directory).

  add      creates a user (or re-issues their credentials) and prints, once, a generated password
           and a TOTP secret with its otpauth:// URI for an authenticator app. --role is one this
           instance admits: crew (ambulance), triage (hospital), dispatcher (dispatch), or admin.
  list     prints user ids and roles (no secrets).
  remove   deletes a user.
  code     prints the current 6-digit code for a TOTP secret (what an authenticator app shows;
           for demos and tests).`;

export const usersCommand: Command = {
  help,
  async run(args, io) {
    const { positionals, values } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { config: { type: 'string' }, user: { type: 'string' }, role: { type: 'string' } },
    });
    const [sub, ...rest] = positionals;
    if (sub === 'code') {
      const secret = rest.length === 1 ? base32Decode(rest[0] as string) : undefined;
      if (secret === undefined) throw new UsageError('expected: users code SECRET (base32)');
      write(io.stdout, totp(secret, Date.now()));
      return 0;
    }
    if (values.config === undefined) throw new UsageError('--config FILE is required');
    const loaded = await loadConfig(values.config, io.env);
    if (!loaded.ok) {
      write(io.stderr, `${values.config}: not a valid configuration (run: ems-gateway config check)`);
      return 1;
    }
    const config = loaded.value;
    const store = UserStore.open(usersFileOf(config.dataDir));
    try {
      switch (sub) {
        case 'list':
          for (const u of store.list()) write(io.stdout, `${u.id}\t${u.role}`);
          return 0;
        case 'remove':
          if (values.user === undefined) throw new UsageError('--user ID is required');
          if (!store.remove(values.user)) {
            write(io.stderr, `no such user: ${values.user}`);
            return 1;
          }
          write(io.stdout, `removed ${values.user}`);
          return 0;
        case 'add': {
          const admitted: readonly string[] = rolesFor(config.role);
          if (values.user === undefined || values.role === undefined || !admitted.includes(values.role))
            throw new UsageError(`--user ID and --role (${admitted.join(' or ')}) are required`);
          const issued = await issueCredentials(
            store,
            { id: values.user, role: values.role as UserRoleName },
            `ems-gateway ${config.id}`,
            PRODUCTION_COST,
            Date.now(),
          );
          write(
            io.stdout,
            [
              `user ${issued.userId} (${issued.role}) on ${config.id}`,
              `  password     ${issued.password}`,
              `  TOTP secret  ${issued.totpSecret}`,
              `  TOTP URI     ${issued.totpUri}`,
              'Shown once: hand them to the person; only hashes and the TOTP secret are stored.',
            ].join('\n'),
          );
          return 0;
        }
        case undefined:
        default:
          throw new UsageError('expected: users add|list|remove --config FILE, or users code SECRET');
      }
    } finally {
      store.close();
    }
  },
};
