import { join } from 'node:path';
import type { AmbulanceConfig } from '../config/index.js';
import { EmulatedCard, InProcessReader, loadOrCreateCard } from '../sim/card/index.js';
import { cardholder } from '../sim/index.js';
import {
  hasNamesake,
  medicalRecord,
  okusuriTechoPayload,
  registeredHolder,
  registeredNamesake,
} from '../sim/records/index.js';
import type { Backend } from './ambulance.js';
import type { RoleContext } from './runtime.js';
import type { DemoCards, DemoHolder, DemoNamesake, DemoTecho } from './tablet/index.js';

/** Active holders the demo control offers, besides the first holder of every other records status. */
const DEMO_ACTIVE = 8;
const DEMO_SEARCH = 2_000;

/**
 * The demo's holders from `first` on: a few whose records are in order, then one of each status the
 * reference records service refuses, so a person can try every outcome. Each card's keys are made on
 * its first tap. Synthetic holders only; the label names the status the records service will give.
 */
const demoHolders = (seed: number, first: number): DemoHolder[] => {
  const picked: DemoHolder[] = [];
  const seen = new Set<string>();
  let active = 0;
  for (let index = first; index < first + DEMO_SEARCH; index++) {
    const status = medicalRecord(seed, index).status;
    const wanted = status === 'active' ? active++ < DEMO_ACTIVE : !seen.has(status);
    seen.add(status);
    // The card PIN is shown in the demo panel (issue 15): synthetic holders, nobody's real PIN.
    if (wanted)
      picked.push({ index, label: `#${index}`, card: { status, pin: cardholder(seed, index).authPin } });
  }
  return picked;
};

/** Namesake pairs the demo lists for the card-less lookup: the first active holders with a namesake. */
const DEMO_NAMESAKE_PAIRS = 2;
const demoNamesakes = (seed: number, first: number): DemoNamesake[] => {
  const pairs: DemoNamesake[] = [];
  for (let index = first; index < first + DEMO_SEARCH && pairs.length < DEMO_NAMESAKE_PAIRS; index++) {
    if (!hasNamesake(index) || medicalRecord(seed, index).status !== 'active') continue;
    const holder = registeredHolder(seed, index);
    pairs.push({
      nameKana: holder.nameKana,
      nameKanji: holder.nameKanji,
      birthDate: holder.birthDate,
      sex: holder.sex,
      towns: [holder.municipality, registeredNamesake(seed, index).municipality],
    });
  }
  return pairs;
};

/** The emulator's state directory for in-process mode. */
export const emulatorStateDir = (config: AmbulanceConfig): string =>
  config.reader.mode === 'in-process'
    ? (config.reader.stateDir ?? join(config.dataDir, 'card-emulator'))
    : '';

/** Days before today the demo's お薬手帳 says the drugs were dispensed (28 days' supply: current). */
const DEMO_DISPENSED_DAYS_AGO = 7;

/**
 * The demo's お薬手帳 QR payloads: the active demo holders who take something, each a Shift_JIS JAHIS
 * text of their medications and allergies dispensed a week ago, so the drugs read as current.
 */
const demoTecho = (seed: number, first: number, ctx: RoleContext): DemoTecho => {
  const holders = demoHolders(seed, first).flatMap((h) => {
    const record = medicalRecord(seed, h.index);
    return record.status === 'active' && record.medications.length > 0
      ? [{ index: h.index, drugs: record.medications.length }]
      : [];
  });
  return {
    holders,
    payload: (holder) =>
      okusuriTechoPayload(medicalRecord(seed, holder), {
        dispensedOn: new Date(ctx.clock.now() - DEMO_DISPENSED_DAYS_AGO * 86_400_000)
          .toISOString()
          .slice(0, 10),
      }),
  };
};

/**
 * The ambulance's reader in `in-process` mode (demo and tests, never for patients): an emulated card
 * of a synthetic holder, which the demo control taps, and the demo's お薬手帳 QR codes.
 */
export const inProcessBackend = (
  config: AmbulanceConfig,
  reader: Extract<AmbulanceConfig['reader'], { mode: 'in-process' }>,
  ctx: RoleContext,
): Backend => {
  const backend = new InProcessReader();
  const demo: DemoCards = {
    holders: demoHolders(reader.seed, reader.index),
    namesakes: demoNamesakes(reader.seed, reader.index),
    insert: async (index) =>
      backend.insert(new EmulatedCard(await loadOrCreateCard(emulatorStateDir(config), reader.seed, index))),
    remove: () => backend.remove(),
  };
  return { backend, demo, techo: demoTecho(reader.seed, reader.index, ctx) };
};
