#!/usr/bin/env node
import { commands } from './commands/index.js';
import { UsageError, wantsHelp, write, type CommandIo } from './command.js';

const overview = (): string =>
  [
    'ems-gateway: moves a patient’s critical facts from the scene to the emergency room.',
    '',
    'Usage: ems-gateway COMMAND [options]   (ems-gateway COMMAND --help for details)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`),
  ].join('\n');

/** The only place that exits the process. */
const main = async (argv: readonly string[]): Promise<number> => {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const io: CommandIo = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  };
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    write(name === undefined ? io.stderr : io.stdout, overview());
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (entry === undefined) {
    write(io.stderr, `ems-gateway: unknown command '${name}'\n\n${overview()}`);
    return 2;
  }
  const command = await entry.load();
  if (wantsHelp(args)) {
    write(io.stdout, command.help);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      write(io.stderr, `ems-gateway ${name}: ${(error as Error).message}\n\n${command.help}`);
      return 2;
    }
    throw error;
  }
};

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: a command has finished, whatever handles a library may still hold.
    process.exit(code);
  },
  (error: unknown) => {
    // Last resort: print the error class and message only; our messages carry no patient data.
    const e = error instanceof Error ? error : new Error(String(error));
    process.stderr.write(`ems-gateway: ${e.name}: ${e.message}\n`);
    process.exit(1);
  },
);
