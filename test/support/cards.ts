import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrustAnchors, type TrustAnchor } from '../../src/reader/index.js';
import { loadOrCreateCard, loadOrCreateTestCa, EmulatedCard, type Faults } from '../../src/sim/card/index.js';

/** A fresh emulator state directory (test CA, card keys and PIN counters) for one test file. */
export const newStateDir = (): string => mkdtempSync(join(tmpdir(), 'ems-card-'));

export const trustAnchorsOf = async (stateDir: string): Promise<readonly TrustAnchor[]> => {
  const anchors = parseTrustAnchors((await loadOrCreateTestCa(stateDir)).certificatePem);
  if (!anchors.ok) throw new Error(anchors.error);
  return anchors.value;
};

export const makeCard = async (
  stateDir: string,
  index = 0,
  faults: Faults = {},
  seed = 1,
): Promise<EmulatedCard> => new EmulatedCard(await loadOrCreateCard(stateDir, seed, index), faults);
