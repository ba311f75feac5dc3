import { err, ok, type Result } from '../../core/index.js';
import { assembleCodes } from './assemble.js';
import type { ScannedCode, TechoDocument, TechoError } from './model.js';
import { DIFFERENT_PATIENTS, parseDocument, samePatient } from './parse.js';

/**
 * Reads a set of scanned お薬手帳 codes, in any order: joins split sets, decodes, parses every
 * document, and refuses the whole set when any part is missing or unreadable or the documents name
 * different patients. Never throws.
 */
export const readOkusuriTecho = (
  codes: readonly ScannedCode[],
): Result<readonly TechoDocument[], TechoError> => {
  const texts = assembleCodes(codes);
  if (!texts.ok) return texts;
  const documents: TechoDocument[] = [];
  for (const text of texts.value) {
    const document = parseDocument(text);
    if (!document.ok) return document;
    documents.push(document.value);
  }
  const patients = documents.flatMap((d) => (d.patient === undefined ? [] : [d.patient.reveal()]));
  const [first] = patients;
  if (first !== undefined && patients.some((p) => !samePatient(p, first))) {
    return err({ code: 'different-patients', message: DIFFERENT_PATIENTS });
  }
  return ok(documents);
};
