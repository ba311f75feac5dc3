import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.js';
import { startConfiguredRole } from '../../roles/index.js';
import { UsageError, untilAborted, write, type Command } from '../command.js';

const help = `ems-gateway run --config FILE

Runs one role (ambulance, hospital or dispatch) as its configuration says. The configuration and
the EMS_* environment overrides are validated as a whole first; with any problem nothing starts,
every problem is printed with its path, and the exit code is 1. See examples/ for each role.`;

export const runCommand: Command = {
  help,
  async run(args, io) {
    const { values } = parseArgs({ args: [...args], options: { config: { type: 'string' } } });
    if (values.config === undefined) throw new UsageError('--config FILE is required');
    const loaded = await loadConfig(values.config, io.env);
    if (!loaded.ok) {
      write(io.stderr, `${values.config}: ${loaded.error.length} problem(s); nothing was started`);
      for (const problem of loaded.error) write(io.stderr, `  ${problem.path}: ${problem.message}`);
      return 1;
    }
    const role = await startConfiguredRole(loaded.value, { env: io.env, returnFreedMemory: true });
    write(io.stdout, `${role.role} ${role.id} running at ${role.url}/`);
    await untilAborted(io.signal);
    await role.stop();
    return 0;
  },
};
