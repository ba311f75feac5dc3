import { parseArgs } from 'node:util';
import { environmentProblems, loadConfig } from '../../config/index.js';
import { UsageError, write, type Command } from '../command.js';

const help = `ems-gateway config check FILE

Validates a role configuration (ambulance, hospital or dispatch) together with the EMS_* environment
overrides and the environment variables it names for secrets (set, long enough; never printed),
reports every problem at once with its path, and exits non-zero if there is any. Nothing is started.
No problem quotes the file's content.

Environment overrides: EMS_HTTP__PORT=8443 sets http.port; EMS_RECORDS__TIMEOUT_MS=5000 sets
records.timeoutMs (double underscore between levels; values are JSON when they parse as JSON).`;

export const configCommand: Command = {
  help,
  async run(args, io) {
    const { positionals } = parseArgs({ args: [...args], allowPositionals: true, options: {} });
    const [sub, file, ...rest] = positionals;
    if (sub !== 'check' || file === undefined || rest.length > 0)
      throw new UsageError('expected: config check FILE');
    const result = await loadConfig(file, io.env);
    const problems = result.ok ? environmentProblems(result.value, io.env) : result.error;
    if (result.ok && problems.length === 0) {
      write(io.stdout, `${file}: valid ${result.value.role} configuration for ${result.value.id}`);
      return 0;
    }
    write(io.stderr, `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    for (const problem of problems) write(io.stderr, `  ${problem.path}: ${problem.message}`);
    return 1;
  },
};
