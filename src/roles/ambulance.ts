import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AmbulanceConfig } from '../config/index.js';
import {
  parseTrustAnchors,
  PcscBackend,
  ReaderService,
  type ReaderBackend,
  type TrustAnchor,
} from '../reader/index.js';
import { EmulatedCard, InProcessReader, loadOrCreateCard } from '../sim/card/index.js';
import type { RoleContext } from './runtime.js';

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

/** The emulator's state directory for in-process mode. */
export const emulatorStateDir = (config: AmbulanceConfig): string =>
  config.reader.mode === 'in-process'
    ? (config.reader.stateDir ?? join(config.dataDir, 'card-emulator'))
    : '';

const backendFor = async (config: AmbulanceConfig, ctx: RoleContext): Promise<ReaderBackend> => {
  const reader = config.reader;
  switch (reader.mode) {
    case 'pcsc':
      return new PcscBackend({ logger: ctx.logger });
    case 'in-process': {
      // The composition root is the one place the emulator meets the product: never for patients.
      const backend = new InProcessReader();
      const material = await loadOrCreateCard(emulatorStateDir(config), reader.seed, reader.index);
      backend.insert(new EmulatedCard(material));
      return backend;
    }
    default:
      return reader satisfies never;
  }
};

const readerDownReason = (backend: ReaderBackend): string => {
  if (backend instanceof PcscBackend && backend.bindingMissing)
    return 'PC/SC support is not installed (optional pcsclite module missing)';
  return backend.up ? 'no card reader attached' : 'PC/SC service not available';
};

/**
 * Starts the ambulance's card reader (PC/SC, or the in-process emulated card) with its readiness
 * check `reader`. The returned service is the API the tablet UI uses: card session events
 * (`card-inserted`, `card-removed`, `step`, `service`) and `identify` / `pinTries`.
 */
export const startAmbulanceReader = async (
  config: AmbulanceConfig,
  ctx: RoleContext,
): Promise<ReaderService> => {
  const trustAnchors = await loadTrustAnchors(config.trustAnchors);
  const backend = await backendFor(config, ctx);
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
  return service;
};
