/** The thin I/O adapter of the drug catalogue: read the configured file, parse it purely. */
import { readFileSync } from 'node:fs';
import type { Result } from '../core/index.js';
import { parseDrugCatalogue, type DrugCatalogue, type DrugCatalogueError } from './drug-classes-catalogue.js';

export const loadDrugCatalogue = (path: string): Result<DrugCatalogue, DrugCatalogueError> => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = e instanceof Error && 'code' in e ? String(e.code) : 'read failed';
    return { ok: false, error: { code: 'unreadable', message: `${path}: ${reason}` } };
  }
  const parsed = parseDrugCatalogue(text);
  return parsed.ok
    ? parsed
    : { ok: false, error: { ...parsed.error, message: `${path}: ${parsed.error.message}` } };
};
