import { readFile } from 'node:fs/promises';
import type { AmbulanceConfig } from '../config/index.js';
import { loadDrugCatalogue, type DrugCatalogue } from '../records/index.js';
import {
  parseTrustAnchors,
  PcscBackend,
  ReaderService,
  type ReaderBackend,
  type TrustAnchor,
} from '../reader/index.js';
import type { RoleContext } from './runtime.js';
import type { DemoCards, DemoTecho } from './tablet/index.js';

/** Reads every configured trust anchor; a missing or unreadable file stops the role from starting. */
const loadTrustAnchors = async (files: readonly string[]): Promise<readonly TrustAnchor[]> => {
  const anchors: TrustAnchor[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw new Error(
        `trust anchor ${file}: cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'EIO'})`,
        { cause },
      );
    }
    const parsed = parseTrustAnchors(text);
    if (!parsed.ok) throw new Error(`trust anchor ${file}: ${parsed.error}`);
    anchors.push(...parsed.value);
  }
  return anchors;
};

/**
 * The configured MHLW price list (records.drugCatalogueFile), or undefined when none is configured; a
 * missing or malformed file stops the role, like a trust anchor (docs/drug-classes.md).
 */
export const loadConfiguredDrugCatalogue = (config: AmbulanceConfig): DrugCatalogue | undefined => {
  const file = config.records.drugCatalogueFile;
  if (file === undefined) return undefined;
  const loaded = loadDrugCatalogue(file);
  if (!loaded.ok)
    throw new Error(`records.drugCatalogueFile: ${loaded.error.message} (${loaded.error.code})`);
  return loaded.value;
};

export interface Backend {
  readonly backend: ReaderBackend;
  readonly demo: DemoCards | undefined;
  readonly techo: DemoTecho | undefined;
}

const backendFor = async (config: AmbulanceConfig, ctx: RoleContext): Promise<Backend> => {
  const reader = config.reader;
  switch (reader.mode) {
    case 'pcsc':
      return { backend: new PcscBackend({ logger: ctx.logger }), demo: undefined, techo: undefined };
    case 'in-process':
      // The composition root is the one place the emulator meets the product: never for patients.
      // Imported only here, so a role on a real reader never loads the simulators (issue 16, memory).
      return (await import('./demo-card.js')).inProcessBackend(config, reader, ctx);
    default:
      return reader satisfies never;
  }
};

const readerDownReason = (backend: ReaderBackend): string => {
  if (backend instanceof PcscBackend && backend.bindingMissing)
    return 'PC/SC support is not installed (optional pcsclite module missing)';
  return backend.up ? 'no card reader attached' : 'PC/SC service not available';
};

export interface AmbulanceReader {
  readonly service: ReaderService;
  /** The demo's card control; only with the in-process reader. */
  readonly demo: DemoCards | undefined;
  /** The demo's synthetic お薬手帳 QR codes; only with the in-process reader. */
  readonly techo: DemoTecho | undefined;
}

/**
 * Starts the ambulance's card reader (PC/SC, or the in-process emulator with no card until the demo
 * control taps one) with its readiness check `reader`. The service is what the card session uses:
 * events (`card-inserted`, `card-removed`, `step`, `service`) and `identify` / `pinTries`.
 */
export const startAmbulanceReader = async (
  config: AmbulanceConfig,
  ctx: RoleContext,
): Promise<AmbulanceReader> => {
  const trustAnchors = await loadTrustAnchors(config.trustAnchors);
  const { backend, demo, techo } = await backendFor(config, ctx);
  const service = new ReaderService(backend, {
    trustAnchors,
    logger: ctx.logger,
    ...(config.reader.mode === 'pcsc'
      ? {
          apduTimeoutMs: config.reader.apduTimeoutMs,
          ...(config.reader.readerName === undefined ? {} : { readerName: config.reader.readerName }),
        }
      : {}),
  });
  ctx.onStop(() => service.close());
  ctx.readiness.add({
    name: 'reader',
    check: () => (service.ready ? { ready: true } : { ready: false, reason: readerDownReason(backend) }),
  });
  return { service, demo, techo };
};
