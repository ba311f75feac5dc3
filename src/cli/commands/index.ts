import { notAvailableYet, type Command } from '../command.js';
import { configCommand } from './config.js';
import { demoCommand } from './demo.js';
import { runCommand } from './run.js';
import { auditCommand } from './audit.js';
import { usersCommand } from './users.js';

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly Command[] = [
  demoCommand,
  runCommand,
  notAvailableYet('card-sim', 'run the My Number Card emulator on the vpcd virtual reader', 'issue #3'),
  notAvailableYet('records-sim', 'run the reference records service', 'issue #5'),
  notAvailableYet('read-card', 'read a card through PC/SC and print its CardIdentity', 'issue #3'),
  notAvailableYet('summary', 'parse an IPS Bundle file and print its EmergencySummary', 'issue #5'),
  notAvailableYet('envelope', 'seal or open an envelope (for integrators)', 'issue #4'),
  notAvailableYet('keys', 'generate device keys; sign and verify the key directory', 'issue #4'),
  configCommand,
  usersCommand,
  auditCommand,
];
