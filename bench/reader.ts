import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseTrustAnchors, PcscBackend, ReaderService } from '../src/reader/index.js';
import { phi } from '../src/log/index.js';
import { cardholder } from '../src/sim/index.js';
import {
  acquirePrivatePcscd,
  EmulatedCard,
  loadOrCreateCard,
  loadOrCreateTestCa,
  VpcdCard,
} from '../src/sim/card/index.js';
import { percentile, type BenchReport, type Figure } from './report.js';

/**
 * Card present → verified identity, through a private pcscd and the vpcd reader with the emulated
 * card: our reader (PC/SC worker, JPKI flow, certificate check) against OpenSC's `pkcs15-tool
 * --read-certificate` reading the same certificate, with 0, 5 and 20 ms injected per APDU.
 */
const LATENCIES = [0, 5, 20] as const;
const OURS_RUNS = 20;
const OPENSC_RUNS = 8;

const exec = promisify(execFile);

const waitFor = async (predicate: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + 30_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const median = (values: number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export const run = async (): Promise<BenchReport> => {
  const stateDir = mkdtempSync(join(tmpdir(), 'ems-bench-card-'));
  const anchors = parseTrustAnchors((await loadOrCreateTestCa(stateDir)).certificatePem);
  if (!anchors.ok) throw new Error(anchors.error);
  const material = await loadOrCreateCard(stateDir, 1, 0);
  const pin = phi(cardholder(1, 0).authPin);
  const pcscd = await acquirePrivatePcscd();
  const backend = new PcscBackend();
  const service = new ReaderService(backend, { trustAnchors: anchors.value });
  const figures: Figure[] = [];
  const ratios: Record<string, number> = {};
  try {
    for (const latencyMs of LATENCIES) {
      const card = new EmulatedCard(material, { latencyMs });
      const vpcd = new VpcdCard(card, { port: pcscd.vpcdPort });
      vpcd.insert();
      await waitFor(() => backend.readers().some((r) => r.cardPresent), 'the card');

      const ours: number[] = [];
      let ourApdus = 0;
      for (let i = 0; i < OURS_RUNS; i++) {
        card.clearLog();
        const started = performance.now();
        const r = await service.identify({ mode: 'visual', attester: 'bench' });
        ours.push(performance.now() - started);
        if (!r.ok) throw new Error(`our read failed: ${r.error.code}`);
        ourApdus = card.log.length;
      }
      const pinRuns: number[] = [];
      let pinApdus = 0;
      for (let i = 0; i < OURS_RUNS / 4; i++) {
        card.clearLog();
        const started = performance.now();
        const r = await service.identify({ mode: 'pin', pin });
        pinRuns.push(performance.now() - started);
        if (!r.ok) throw new Error(`our PIN identification failed: ${r.error.code}`);
        pinApdus = card.log.length;
      }
      const opensc: number[] = [];
      let openscApdus = 0;
      for (let i = 0; i < OPENSC_RUNS; i++) {
        card.clearLog();
        const started = performance.now();
        await exec('pkcs15-tool', ['--reader', '0', '--read-certificate', '1'], { timeout: 60_000 });
        opensc.push(performance.now() - started);
        openscApdus = card.log.length;
      }
      vpcd.remove();
      await waitFor(() => !backend.readers().some((r) => r.cardPresent), 'the removal');

      const tag = `${latencyMs}ms`;
      figures.push(
        { name: `ours visual identity, latency ${tag} (p50)`, value: median(ours), unit: 'ms' },
        {
          name: `ours visual identity, latency ${tag} (p95)`,
          value: percentile(
            [...ours].sort((a, b) => a - b),
            95,
          ),
          unit: 'ms',
        },
        { name: `ours APDUs, latency ${tag}`, value: ourApdus, unit: 'APDUs' },
        { name: `ours PIN + signature identity, latency ${tag} (p50)`, value: median(pinRuns), unit: 'ms' },
        { name: `ours PIN identity APDUs, latency ${tag}`, value: pinApdus, unit: 'APDUs' },
        {
          name: `OpenSC pkcs15-tool -r 1, latency ${tag} (p50)`,
          value: median(opensc),
          unit: 'ms',
          baseline: `ours visual identity, latency ${tag} (p50)`,
        },
        {
          name: `OpenSC APDUs, latency ${tag}`,
          value: openscApdus,
          unit: 'APDUs',
          baseline: `ours APDUs, latency ${tag}`,
        },
      );
      ratios[`OpenSC/ours time, ${tag}`] = median(opensc) / median(ours);
      ratios[`OpenSC/ours APDUs, ${tag}`] = openscApdus / ourApdus;
    }
  } finally {
    await service.close();
    await pcscd.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
  return {
    bench: 'reader',
    figures,
    ratios,
    notes: [
      `certificate ${material.authCertificate.length} bytes; ours: ${OURS_RUNS} runs, OpenSC: ${OPENSC_RUNS} runs per latency`,
      'ours = SELECT AP, SELECT EF 000A, READ BINARY 256, one extended READ BINARY for the rest, then chain and validity check',
      'OpenSC time includes starting pkcs15-tool and its driver probes; APDUs are counted by the emulator itself',
      'vpcd frames each message in two TCP writes, so every APDU also pays a delayed-ACK stall (~40 ms) for both tools alike',
    ],
  };
};
