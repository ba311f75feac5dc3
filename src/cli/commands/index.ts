import type { Command } from '../command.js';
import { cardSimCommand } from './card-sim.js';
import { configCommand } from './config.js';
import { demoCommand } from './demo.js';
import { envelopeCommand } from './envelope.js';
import { keysCommand } from './keys.js';
import { readCardCommand } from './read-card.js';
import { recordsSimCommand } from './records-sim.js';
import { runCommand } from './run.js';
import { summaryCommand } from './summary.js';
import { usersCommand } from './users.js';
import { auditCommand } from './audit.js';

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly Command[] = [
  demoCommand,
  runCommand,
  cardSimCommand,
  recordsSimCommand,
  readCardCommand,
  summaryCommand,
  envelopeCommand,
  keysCommand,
  configCommand,
  usersCommand,
  auditCommand,
];
