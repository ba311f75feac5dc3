import type { Command } from '../command.js';

/**
 * A subcommand as `--help` lists it; its module (and whatever that imports) is loaded only when it
 * runs, so `run` loads one role's code, not the demo's simulators or the other commands' libraries.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly CommandEntry[] = [
  {
    name: 'demo',
    summary: 'run the whole system on embedded defaults and print the screen URLs',
    load: async () => (await import('./demo.js')).demoCommand,
  },
  {
    name: 'run',
    summary: 'run one role from a configuration file (run --config FILE)',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'card-sim',
    summary: 'run the My Number Card emulator on the vpcd virtual reader',
    load: async () => (await import('./card-sim.js')).cardSimCommand,
  },
  {
    name: 'records-sim',
    summary: 'run the reference records service',
    load: async () => (await import('./records-sim.js')).recordsSimCommand,
  },
  {
    name: 'read-card',
    summary: 'read a card through PC/SC and print its CardIdentity',
    load: async () => (await import('./read-card.js')).readCardCommand,
  },
  {
    name: 'summary',
    summary: 'merge FHIR Bundle files of one patient and print the EmergencySummary',
    load: async () => (await import('./summary.js')).summaryCommand,
  },
  {
    name: 'envelope',
    summary: 'seal or open an envelope (for integrators)',
    load: async () => (await import('./envelope.js')).envelopeCommand,
  },
  {
    name: 'keys',
    summary: 'generate device keys; sign and verify the key directory',
    load: async () => (await import('./keys.js')).keysCommand,
  },
  {
    name: 'config',
    summary: 'check a configuration file (config check FILE)',
    load: async () => (await import('./config.js')).configCommand,
  },
  {
    name: 'users',
    summary: 'add, list or remove users of an instance (users add --config FILE --user ID --role ROLE)',
    load: async () => (await import('./users.js')).usersCommand,
  },
  {
    name: 'audit',
    summary: 'verify the hash chain of an audit log (audit verify FILE)',
    load: async () => (await import('./audit.js')).auditCommand,
  },
];
