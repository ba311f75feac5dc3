import { notAvailableYet, type Command } from '../command.js';
import { cardSimCommand } from './card-sim.js';
import { configCommand } from './config.js';
import { demoCommand } from './demo.js';
import { readCardCommand } from './read-card.js';
import { runCommand } from './run.js';

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly Command[] = [
  demoCommand,
  runCommand,
  cardSimCommand,
  notAvailableYet('records-sim', 'run the reference records service', 'issue #5'),
  readCardCommand,
  notAvailableYet('summary', 'parse an IPS Bundle file and print its EmergencySummary', 'issue #5'),
  notAvailableYet('envelope', 'seal or open an envelope (for integrators)', 'issue #4'),
  notAvailableYet('keys', 'generate device keys; sign and verify the key directory', 'issue #4'),
  configCommand,
  notAvailableYet('audit', 'verify the hash chain of an audit log (audit verify)', 'issue #7'),
];
