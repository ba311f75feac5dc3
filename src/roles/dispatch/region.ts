import { readFile } from 'node:fs/promises';
import type { DispatchConfig } from '../../config/index.js';
import { parseRegion, type HospitalStatus, type Region } from '../../dispatch/index.js';
import { sampleRegion } from '../../sim/index.js';

export interface LoadedRegion {
  readonly region: Region;
  /** Synthetic statuses, only for the sample region: a real region's come from its hospitals. */
  readonly sampleStatuses: readonly HospitalStatus[];
}

/**
 * The configured region file (validated with `parseRegion`; a bad file stops the start, naming the
 * fields), or the synthetic sample region when none is configured; `extraSites` are added to either.
 */
export const loadRegion = async (config: DispatchConfig, now: number): Promise<LoadedRegion> => {
  let loaded: LoadedRegion;
  if (config.regionFile === undefined) {
    const sample = sampleRegion({ seed: config.sampleRegion.seed, count: config.sampleRegion.count, now });
    loaded = { region: sample.region, sampleStatuses: sample.statuses };
  } else {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(config.regionFile, 'utf8'));
    } catch (cause) {
      throw new Error(`region file ${config.regionFile}: cannot be read as JSON`, { cause });
    }
    const parsed = parseRegion(json);
    if (!parsed.ok)
      throw new Error(
        `region file ${config.regionFile}: ${parsed.error.problems.map((p) => `${p.path} ${p.code}`).join(', ')}`,
      );
    loaded = { region: parsed.value, sampleStatuses: [] };
  }
  const extra = config.extraSites.filter((s) => !loaded.region.hospitals.some((h) => h.id === s.id));
  return { ...loaded, region: { ...loaded.region, hospitals: [...loaded.region.hospitals, ...extra] } };
};
