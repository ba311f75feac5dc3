import { notAvailableYet, type Command } from '../command.js';
import { configCommand } from './config.js';
import { demoCommand } from './demo.js';
import { recordsSimCommand } from './records-sim.js';
import { runCommand } from './run.js';
import { summaryCommand } from './summary.js';

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly Command[] = [
  demoCommand,
  runCommand,
  notAvailableYet('card-sim', 'run the My Number Card emulator on the vpcd virtual reader', 'issue #3'),
  recordsSimCommand,
  notAvailableYet('read-card', 'read a card through PC/SC and print its CardIdentity', 'issue #3'),
  summaryCommand,
  notAvailableYet('envelope', 'seal or open an envelope (for integrators)', 'issue #4'),
  notAvailableYet('keys', 'generate device keys; sign and verify the key directory', 'issue #4'),
  configCommand,
  notAvailableYet('audit', 'verify the hash chain of an audit log (audit verify)', 'issue #7'),
];
