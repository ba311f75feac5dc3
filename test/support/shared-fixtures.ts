import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { ROOT } from './paths.js';

/**
 * Fixtures written by others (HL7 IPS, JAMI / HL7 Japan), read where they are published for this
 * project: `${ROOT}../shared/fixtures/`. Never copied into the repository (licences: some are CC BY-ND).
 */
export const SHARED_FIXTURES = `${ROOT}../shared/fixtures/`;
export const sharedPresent = existsSync(SHARED_FIXTURES);

export const sharedFiles = (dir: 'jp' | 'ips'): string[] =>
  sharedPresent
    ? readdirSync(`${SHARED_FIXTURES}${dir}`)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];

export const sharedText = (dir: 'jp' | 'ips', file: string): string =>
  readFileSync(`${SHARED_FIXTURES}${dir}/${file}`, 'utf8');
export const sharedJson = (dir: 'jp' | 'ips', file: string): unknown => JSON.parse(sharedText(dir, file));
