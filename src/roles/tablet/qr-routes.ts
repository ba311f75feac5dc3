import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as v from 'valibot';
import { ApiFailure, type Gateway } from '../../gateway/index.js';
import { structuredAppendOf, TECHO_ERRORS, type ScannedCode } from '../../records/index.js';
import { QR_SCRIPT } from './qr-script.js';
import { TapId } from './report-form.js';
import { patientSubject, sessionAccess } from './routes.js';
import { CREW, crewForm } from './crew-forms.js';
import type { CardSessionService } from './session.js';
import type { TechoService } from './techo-service.js';

/** The demo's synthetic お薬手帳 payloads (in-process reader only; built by the composition root). */
export interface DemoTecho {
  readonly holders: readonly { readonly index: number; readonly drugs: number }[];
  /** The holder's お薬手帳 as its QR code's bytes (Shift_JIS JAHIS text). */
  payload(holder: number): Uint8Array;
}

export interface QrRoutesOptions {
  readonly gateway: Gateway;
  readonly session: CardSessionService;
  readonly techo: TechoService;
  readonly demo: DemoTecho | undefined;
  /** The demo holder whose QR the panel shows (set by the demo form). */
  readonly showDemo: (holder: number) => Promise<void>;
}

/** A QR code holds at most 2,953 bytes: 4,000 base64 characters leave room for any of them. */
const Code = v.object({
  bytes: v.pipe(v.string(), v.maxLength(4_000), v.regex(/^[A-Za-z0-9+/]*={0,2}$/)),
  sequence: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(255))),
  parity: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(255))),
});
/** At most 16 codes at once: a structured-append set's limit (ISO/IEC 18004). */
const CodesBody = v.object({ tap: TapId, codes: v.pipe(v.array(Code), v.minLength(1), v.maxLength(16)) });
const ScanAnswer = v.object({
  state: v.picklist(['idle', 'collecting', 'refused', 'preview']),
  read: v.optional(v.number()),
  total: v.optional(v.number()),
  refused: v.optional(v.picklist(TECHO_ERRORS)),
});
const TapForm = v.object({ _csrf: v.string(), tap: TapId });
const DemoForm = v.object({ _csrf: v.string(), holder: v.pipe(v.string(), v.regex(/^\d{1,4}$/)) });

const javascript = { 'content-type': 'text/javascript; charset=utf-8' } as const;

/** The @zxing/library UMD build as installed, without its source-map comment (the map is not served). */
const zxingScript = (): string =>
  readFileSync(createRequire(import.meta.url).resolve('@zxing/library/umd/index.min.js'), 'utf8').replace(
    /\n?\/\/# sourceMappingURL=\S+\s*$/u,
    '\n',
  );

/** A posted code → the records reader's shape; the structured-append header only as a pair. */
const scannedCode = (code: v.InferOutput<typeof Code>): ScannedCode => {
  const bytes = new Uint8Array(Buffer.from(code.bytes, 'base64'));
  if (code.sequence === undefined && code.parity === undefined) return { bytes };
  if (code.sequence === undefined || code.parity === undefined)
    throw new ApiFailure('invalid-input', ['codes']);
  const header = structuredAppendOf(code.sequence, code.parity);
  if (!header.ok) throw new ApiFailure('invalid-input', ['codes']);
  return { bytes, structuredAppend: header.value };
};

/**
 * The お薬手帳 QR routes: codes decoded on the tablet come in as JSON (the answer says only how far
 * the scan is, never what the codes say); finishing, discarding and confirming are the crew's form
 * posts. Confirming merges patient data into the session's summary: audited like a records read.
 */
export const qrRoutes = (o: QrRoutesOptions): void => {
  const { gateway, session, techo } = o;
  // Read on the first request, when a crew first opens the scanner: 328 kB held as a string from
  // start-up in every ambulance otherwise (issue 16, idle memory).
  let zxing: string | undefined;
  gateway.routes.add({
    method: 'get',
    path: '/assets/zxing.js',
    summary: 'The QR decoder (@zxing/library, Apache-2.0) the tablet scans お薬手帳 codes with',
    access: { kind: 'public' },
    response: { kind: 'text' },
    handler: (c) => c.body((zxing ??= zxingScript()), 200, javascript),
  });
  gateway.routes.add({
    method: 'get',
    path: '/assets/qr.js',
    summary: 'The tablet’s お薬手帳 QR scanner (camera or images; decodes in the browser)',
    access: { kind: 'public' },
    response: { kind: 'text' },
    handler: (c) => c.body(QR_SCRIPT, 200, javascript),
  });
  gateway.routes.add({
    method: 'post',
    path: '/tablet/qr/codes',
    summary:
      'お薬手帳 QR codes decoded on the tablet (raw bytes, structured-append header) for the patient on screen',
    access: CREW,
    body: { kind: 'json', schema: CodesBody },
    response: { kind: 'json', schema: ScanAnswer },
    handler: (c, { body }) => {
      const scanned = techo.scan(body.tap, body.codes.map(scannedCode));
      if (!scanned.ok) throw new ApiFailure('conflict');
      const scan = scanned.value;
      switch (scan.kind) {
        case 'idle':
        case 'preview':
          return c.json({ state: scan.kind });
        case 'collecting':
          return c.json({ state: scan.kind, read: scan.progress.read, total: scan.progress.total });
        case 'refused':
          return c.json({ state: scan.kind, refused: scan.error.code });
        default:
          return scan satisfies never;
      }
    },
  });
  crewForm(gateway, {
    path: '/tablet/qr/finish',
    summary: 'Done scanning: read the お薬手帳 codes collected (a missing code refuses the set)',
    schema: TapForm,
    handle: (body) => {
      techo.finish(body.tap);
    },
  });
  crewForm(gateway, {
    path: '/tablet/qr/discard',
    summary: 'Discard the お薬手帳 codes being scanned or the preview (nothing is kept)',
    schema: TapForm,
    handle: (body) => {
      techo.discard(body.tap);
    },
  });
  crewForm(gateway, {
    path: '/tablet/qr/confirm',
    summary: 'Confirm the お薬手帳 preview: merge it into the summary of the patient on screen',
    schema: TapForm,
    handle: async (body, c) => {
      const confirmed = await techo.confirm(body.tap);
      const s = session.current;
      if (confirmed.ok && s?.tap === body.tap)
        gateway.recordAccess(c, 'update', patientSubject(s), sessionAccess(s, s.consent));
    },
  });

  const demo = o.demo;
  if (demo === undefined) return;
  crewForm(gateway, {
    path: '/tablet/demo/okusuri-techo',
    summary: 'Demo only: show the お薬手帳 QR of a synthetic patient on the tablet',
    schema: DemoForm,
    handle: async (body) => {
      const holder = Number(body.holder);
      if (!demo.holders.some((h) => h.index === holder)) throw new ApiFailure('invalid-input', ['holder']);
      await o.showDemo(holder);
    },
  });
};
