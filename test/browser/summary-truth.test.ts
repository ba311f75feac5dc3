import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/index.js';
import { readKeyFile, toError } from '../../src/crypto/index.js';
import { createLogger } from '../../src/log/index.js';
import { ATC_SYSTEM, loadFhirRecords, systemTimers } from '../../src/records/index.js';
import { deviceSigner } from '../../src/roles/tablet/records-ports.js';
import { cardholder } from '../../src/sim/index.js';
import {
  DEMO_PATIENT_IDENTIFIER_SYSTEM,
  findHolders,
  type HolderTrait,
} from '../../src/sim/records/index.js';
import { launchChromium, logIn, loginOf, SCREENSHOTS, startDemoProcess } from '../support/browser.js';
import type { CliProcess } from '../support/cli.js';
import { MemoryStore } from '../support/records-ports.js';
import { requestFor } from '../support/records-harness.js';
import { checkScreenLanguages } from '../support/screen-checks.js';
import { waitFor } from '../support/wait.js';

const { FhirRecordsClient, nodeTransport } = await loadFhirRecords();

/** Generous: the suite shares two cores with other work, and each step is a server round trip. */
const STEP_MS = 30_000;
const HOSPITAL = 'hosp-demo-a';
/** The demo's population (src/roles/demo.ts): seed 1, holders 0..999. */
const DEMO_SEED = 1;
const DEMO_POPULATION = 1000;
const AMBULANCE = 'amb-demo-01';

/**
 * What the demo's FHIR server (its default records upstream) serves for a holder, asked as the
 * ambulance asks it: the product's FHIR client with the ambulance's own key from the demo's data
 * directory. The bytes the client keeps are the server's answer, before any rendering.
 */
const servedRecord = async (demo: CliProcess, dataDir: string, holder: number): Promise<string> => {
  const fhirUrl = /FHIR R4 (http:\/\/\S+)/.exec(demo.stdout)?.[1];
  if (fhirUrl === undefined) throw new Error('the demo printed no FHIR server');
  const key = await readKeyFile(join(dataDir, 'keys', `${AMBULANCE}.key`));
  if (!key.ok) throw toError(key.error);
  const store = new MemoryStore(systemClock, 3600_000);
  try {
    const client = new FhirRecordsClient({
      baseUrl: fhirUrl,
      clientId: AMBULANCE,
      scope: 'system/*.read',
      patientIdentifierSystem: DEMO_PATIENT_IDENTIFIER_SYSTEM,
      pageSize: 50,
      maxPerType: 1000,
      capabilityTtlMs: 3600_000,
      timeoutMs: 10_000,
      retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1_000 },
      breaker: { failureThreshold: 5, cooldownMs: 30_000 },
      signer: deviceSigner(key.value),
      store,
      transport: nodeTransport(),
      clock: systemClock,
      timers: systemTimers,
      random: Math.random,
      logger: createLogger({ level: 'warn' }),
      answerRefused: () => undefined,
    });
    const request = requestFor(holder, { serial: cardholder(DEMO_SEED, holder).certificateSerial });
    const outcome = await client.fetchSummary(request);
    if (outcome.code !== 'ok') throw new Error(`the demo's FHIR server answered ${outcome.code}`);
    return new TextDecoder().decode((await store.get(request.session))?.bytes);
  } finally {
    key.value.wipe();
  }
};

/** One attribute of every element a selector finds, in page order. */
const attributes = async (page: Page, selector: string, name: string): Promise<(string | null)[]> =>
  Promise.all((await page.locator(selector).all()).map((l) => l.getAttribute(name)));

const shot = (page: Page, step: string): Promise<Buffer> =>
  page.screenshot({ path: `${SCREENSHOTS}summary-truth-${step}.png`, fullPage: true });

/**
 * Issue 11 end to end, as the crew and the nurse see it, over one demo process in Debian's Chromium:
 * what the records said about a section reaches the tablet and the triage detail unchanged. A record
 * without an allergy section is "not available" on both (never "none"); an anticoagulant coded with
 * a YJ code only (JP-CLINS shape, no ATC) is flagged on both.
 */
describe('section status and critical flags from the records to the ER, in Chromium over the demo', () => {
  let demo: CliProcess;
  const dataDir = mkdtempSync(join(tmpdir(), 'ems-browser-'));
  let browser: Browser;
  let tablet: Page;
  let board: Page;
  let boardUrl: string;

  beforeAll(async () => {
    demo = await startDemoProcess(dataDir);
    browser = await launchChromium();
    tablet = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    board = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    tablet.setDefaultTimeout(STEP_MS);
    board.setDefaultTimeout(STEP_MS);
    await logIn(tablet, loginOf(demo.stdout, 'ambulance', 'amb-demo-01'), 'crew', { timeoutMs: STEP_MS });
    const hospital = loginOf(demo.stdout, 'hospital', HOSPITAL);
    boardUrl = hospital.url;
    await logIn(board, hospital, 'triage', { timeoutMs: STEP_MS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  /** The first holder the demo control offers that has this records trait. */
  const offered = async (trait: HolderTrait): Promise<string> => {
    const options = await attributes(tablet, '#holder option', 'value');
    const wanted = new Set(findHolders(DEMO_SEED, DEMO_POPULATION, [trait]).map(String));
    const holder = options.find((o): o is string => o !== null && wanted.has(o));
    if (holder === undefined) throw new Error(`the demo control offers no holder with ${trait}`);
    return holder;
  };

  /** Taps the holder's card, confirms visually, records consent and waits for the summary. */
  const readCard = async (holder: string): Promise<void> => {
    await tablet.selectOption('#holder', holder);
    await tablet.click('[data-action=demo-insert]');
    await tablet.click('[data-action=identify-visual]');
    await tablet.click('[data-action=consent-given]');
    await tablet.waitForSelector('[data-summary]');
  };

  const reportIds = (): Promise<(string | null)[]> =>
    attributes(tablet, '[data-reports] tr[data-report]', 'data-report');

  /** Sends the report to the hospital and opens it at the triage desk (a nurse's browser). */
  const sendAndOpen = async (step: string): Promise<void> => {
    const before = new Set(await reportIds());
    await tablet.fill('#ageValue', '70');
    await tablet.fill('#mechanism', '意識障害');
    await tablet.fill('#etaMinutes', '10');
    await tablet.selectOption('#hospital', HOSPITAL);
    await tablet.click('[data-action=send-report]');
    const reportId = await waitFor(
      async () => (await reportIds()).find((id) => id !== null && !before.has(id)) ?? undefined,
      'the new report on the tablet',
      STEP_MS,
    );
    // The board (live, as the nurse has it open) shows the report; the nurse opens it.
    await board.goto(`${boardUrl}/`);
    await board.locator(`[data-report="amb-demo-01/${reportId}"]`).waitFor();
    await board.goto(`${boardUrl}/triage/reports/amb-demo-01/${reportId}`);
    await board.waitForSelector('[data-report-detail]');
    await shot(tablet, `${step}-tablet`);
    await shot(board, `${step}-detail`);
  };

  it('a record without an allergy section: "not available" on the tablet and on the triage detail, never none', async () => {
    await readCard(await offered('allergies-not-sent'));
    const onTablet = tablet.locator('[data-summary] [data-section=allergies]');
    expect(await onTablet.getAttribute('data-status')).toBe('unavailable');
    expect(await onTablet.textContent()).not.toMatch(/なし|\bnone\b/i);

    await sendAndOpen('no-allergy-section');
    const atEr = board.locator('[data-report-detail] [data-section=allergies]');
    expect(await atEr.getAttribute('data-status')).toBe('unavailable');
    const text = (await atEr.textContent()) ?? '';
    expect(text).toContain('未取得');
    expect(text).not.toMatch(/なし|\bnone\b/i);
    await checkScreenLanguages(tablet, 'tablet-summary-unavailable', {
      lang: 'ja',
      show: () => tablet.waitForSelector('[data-summary] [data-section=allergies][data-status=unavailable]'),
      focus: '[data-panel=summary]',
    });
    await checkScreenLanguages(board, 'triage-detail-unavailable', {
      lang: 'ja',
      show: () => atEr.and(board.locator('[data-status=unavailable]')).waitFor(),
      focus: '[data-report-detail] [data-safety]',
    });
  }, 180_000);

  it('a holder on an anticoagulant coded with a YJ code only: the flag on the tablet and on the triage detail', async () => {
    const holder = await offered('anticoagulant-yj-only');
    // The flag must come from the Japanese code: what the demo's records upstream serves for this
    // holder is the JP-CLINS record, with YJ-coded MedicationRequests and no ATC coding at all.
    const served = await servedRecord(demo, dataDir, Number(holder));
    expect(served).toContain('"resourceType":"MedicationRequest"');
    expect(served).not.toContain(ATC_SYSTEM);

    await readCard(holder);
    const flags = tablet.locator('[data-summary] [data-section=flags]');
    expect(await flags.textContent()).toContain('抗凝固薬');

    await sendAndOpen('yj-anticoagulant');
    const atEr = board.locator('[data-report-detail] [data-section=flags] [data-flag=anticoagulant]');
    expect(await atEr.count()).toBe(1);
    expect(await atEr.textContent()).toContain('抗凝固薬');
    await checkScreenLanguages(tablet, 'tablet-summary-anticoagulant', {
      lang: 'ja',
      show: () => flags.locator('[data-tag=anticoagulant]').waitFor(),
      focus: '[data-panel=summary]',
    });
    await checkScreenLanguages(board, 'triage-detail-anticoagulant', {
      lang: 'ja',
      show: () => atEr.waitFor(),
      focus: '[data-report-detail] [data-safety]',
    });
  }, 180_000);
});
