import {
  OKUSURI_TECHO_LIMITS,
  okusuriTechoProgress,
  readOkusuriTecho,
  type ScanProgress,
  type ScannedCode,
  type TechoDocument,
  type TechoError,
} from '../../records/index.js';
import { type EmergencySummary } from '../../summary/index.js';

/**
 * The お薬手帳 QR scan of one patient session, as pure data (issue 13, Deliver 4): codes are
 * collected until every set is whole, then read as a whole; what was read waits as a preview until
 * the crew confirms it, and only then joins the session's summary. A set that cannot be read is
 * refused whole, with the reason, and nothing of it is kept. It lives in the patient's session, so a
 * handover (or a discard) ends it with the session: nothing from the QR stays on the tablet.
 */
export type TechoScan =
  | { readonly kind: 'idle' }
  /** Parts of a split set are in; more are expected ("2 of 3 codes read"). */
  | { readonly kind: 'collecting'; readonly codes: readonly ScannedCode[]; readonly progress: ScanProgress }
  /** The last set could not be used: why (counts and positions only); nothing of it is kept. */
  | { readonly kind: 'refused'; readonly error: TechoError }
  /** Read, not yet confirmed: shown to the crew, merged nowhere, sent nowhere. */
  | {
      readonly kind: 'preview';
      readonly documents: readonly TechoDocument[];
      /** The documents alone as a summary: medications with their critical flags, allergies, sources. */
      readonly summary: EmergencySummary;
    };

export interface TechoState {
  readonly scan: TechoScan;
  /** Documents the crew confirmed, oldest confirmation first. */
  readonly confirmed: readonly TechoDocument[];
  /**
   * The summary the crew sees and the report carries once something is confirmed: the records
   * service's answer (card sessions) merged with every confirmed document, each with its own source.
   */
  readonly merged: { readonly summary: EmergencySummary; readonly at: number } | undefined;
}

export const NO_TECHO: TechoState = { scan: { kind: 'idle' }, confirmed: [], merged: undefined };

/** Why a scan action changed nothing (the crew sees it on the QR panel). */
export const TECHO_NOTICES = {
  /** A preview is waiting for the crew: confirm or discard it before scanning more. */
  previewPending: 'techo-preview-pending',
  /** The お薬手帳 names another patient than the records (birth date or sex differ): not merged. */
  otherPatient: 'techo-other-patient',
  /** The records answer is no longer on the tablet to merge with: ask the records service again. */
  recordsGone: 'techo-records-gone',
} as const;
export type TechoNotice = (typeof TECHO_NOTICES)[keyof typeof TECHO_NOTICES];

const sameCode = (a: ScannedCode, b: ScannedCode): boolean =>
  a.bytes.length === b.bytes.length &&
  a.bytes.every((x, i) => x === b.bytes[i]) &&
  a.structuredAppend?.index === b.structuredAppend?.index &&
  a.structuredAppend?.total === b.structuredAppend?.total &&
  a.structuredAppend?.parity === b.structuredAppend?.parity;

/** Reads the collected codes as a whole: a preview, or the set refused with its reason. */
const read = (
  codes: readonly ScannedCode[],
  preview: (documents: readonly TechoDocument[]) => EmergencySummary,
): TechoScan => {
  const documents = readOkusuriTecho(codes);
  if (!documents.ok) return { kind: 'refused', error: documents.error };
  return { kind: 'preview', documents: documents.value, summary: preview(documents.value) };
};

/**
 * Newly scanned codes join the ones collected (a code seen twice counts once). Once every set is
 * whole, the codes are read; until then the scan shows its progress. A preview waiting for the
 * crew takes no more codes.
 */
export const addCodes = (
  state: TechoState,
  codes: readonly ScannedCode[],
  preview: (documents: readonly TechoDocument[]) => EmergencySummary,
): TechoState => {
  const scan = state.scan;
  if (scan.kind === 'preview' || codes.length === 0) return state;
  const all = [...(scan.kind === 'collecting' ? scan.codes : [])];
  for (const code of codes) if (!all.some((c) => sameCode(c, code))) all.push(code);
  if (all.length > OKUSURI_TECHO_LIMITS.codes)
    return {
      ...state,
      scan: {
        kind: 'refused',
        error: { code: 'too-large', message: `more than ${OKUSURI_TECHO_LIMITS.codes} codes` },
      },
    };
  const progress = okusuriTechoProgress(all);
  return {
    ...state,
    scan: progress.complete ? read(all, preview) : { kind: 'collecting', codes: all, progress },
  };
};

/** The crew has scanned all it can: read what was collected (a part missing refuses the set). */
export const finishScan = (
  state: TechoState,
  preview: (documents: readonly TechoDocument[]) => EmergencySummary,
): TechoState =>
  state.scan.kind === 'collecting' ? { ...state, scan: read(state.scan.codes, preview) } : state;

/** Drops whatever is being scanned or previewed; what was confirmed stays. */
export const discardScan = (state: TechoState): TechoState => ({ ...state, scan: { kind: 'idle' } });

/** The documents of the preview the crew confirms (merged by the caller), or undefined. */
export const previewed = (state: TechoState): readonly TechoDocument[] | undefined =>
  state.scan.kind === 'preview' ? state.scan.documents : undefined;
