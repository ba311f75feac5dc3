import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readKeyFile, toBase64 } from '../../src/crypto/index.js';
import {
  base32Decode,
  issueCredentials,
  PRODUCTION_COST,
  totp,
  UserStore,
  usersFileOf,
  type UserRoleName,
} from '../../src/gateway/index.js';
import { CliProcess } from './cli.js';
import { unitFeed } from './feed/harness.js';
import { ARTIFACTS } from './paths.js';
import { waitFor } from './wait.js';

export const SCREENSHOTS = `${ARTIFACTS}screenshots/`;

/**
 * Debian's Chromium, never a downloaded browser. Without the background-networking flags it keeps
 * trying hosts this closed network refuses. playwright gives it a fresh temporary profile. `args`:
 * more switches, e.g. a fake camera (`--use-fake-device-for-media-stream`).
 */
export const launchChromium = async (args: readonly string[] = []): Promise<Browser> => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
};

/** The demo as a user starts it (README's first command), on free ports and its own data directory. */
export const startDemoProcess = async (
  dataDir = mkdtempSync(join(tmpdir(), 'ems-browser-')),
): Promise<CliProcess> => {
  const demo = CliProcess.start(['demo', '--port-base', '0', '--mqtt-port', '0', '--data-dir', dataDir]);
  await demo.waitForOutput(/Ctrl-C stops/, 45_000);
  return demo;
};

export type Kind = 'ambulance' | 'hospital' | 'dispatch';

export interface Login {
  readonly url: string;
  readonly userId: string;
  readonly password: string;
  readonly totpSecret: string;
  readonly deviceToken: string;
}

/** One instance's URL, device code and first user, as the demo prints them. */
export const loginOf = (stdout: string, kind: Kind, principal: string): Login => {
  const url = new RegExp(`^ {2}${kind} ${principal} +(http://\\S+)/$`, 'm').exec(stdout)?.[1];
  const creds = new RegExp(
    `^ {2}${principal} +device code (\\S+)\\n {4}(\\S+) +\\S+ +password (\\S+) +TOTP secret (\\S+)$`,
    'm',
  ).exec(stdout);
  if (url === undefined || creds === null) throw new Error(`no log-in for ${principal} on the console`);
  const [, deviceToken, userId, password, totpSecret] = creds as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { url, userId, password, totpSecret, deviceToken };
};

/**
 * Another person of the same demo instance, added to its users.db as `ems-gateway users add` adds one
 * to a running role (the database is shared with the role's process): same URL and device code, a
 * password and TOTP secret of their own. A test that logs in many times uses one each, instead of
 * waiting for the first user's next 30-second step (a code is good once, RFC 6238 §5.2).
 */
export const anotherUser = async (
  login: Login,
  demoDataDir: string,
  principal: string,
  user: { readonly id: string; readonly role: UserRoleName },
): Promise<Login> => {
  const store = UserStore.open(usersFileOf(join(demoDataDir, principal)));
  try {
    const issued = await issueCredentials(
      store,
      user,
      `ems-gateway ${principal}`,
      PRODUCTION_COST,
      Date.now(),
    );
    return { ...login, userId: issued.userId, password: issued.password, totpSecret: issued.totpSecret };
  } finally {
    store.close();
  }
};

/** The current 6-digit code for a user's TOTP secret. */
export const codeOf = (login: Login): string =>
  totp(base32Decode(login.totpSecret) as Uint8Array, Date.now());

/** Codes this process has used, per secret: the gateway refuses a code used before (RFC 6238 §5.2). */
const usedCodes = new Map<string, string>();

/** A code the gateway has not seen yet: the next 30-second step's if this one's was used already. */
const freshCodeOf = async (login: Login): Promise<string> => {
  for (;;) {
    const code = codeOf(login);
    if (usedCodes.get(login.totpSecret) !== code) {
      usedCodes.set(login.totpSecret, code);
      return code;
    }
    await new Promise((resolve) => setTimeout(resolve, 30_000 - (Date.now() % 30_000) + 50));
  }
};

/**
 * Fills the log-in form (device code only on a browser not yet enrolled) and waits for the screen and
 * its live-update stream.
 */
export const logIn = async (
  page: Page,
  login: Login,
  screen: 'crew' | 'triage' | 'dispatcher',
  options: {
    readonly lang?: 'ja' | 'en';
    readonly enrolled?: boolean;
    readonly timeoutMs?: number;
    /** The shift's screen-lock PIN (kiosk mode and idle locks need one). */
    readonly pin?: string;
  } = {},
): Promise<void> => {
  const timeout = options.timeoutMs ?? 30_000;
  await page.goto(`${login.url}?lang=${options.lang ?? 'ja'}`);
  await page.fill('#userId', login.userId);
  await page.fill('#password', login.password);
  await page.fill('#otp', await freshCodeOf(login));
  if (options.enrolled !== true) await page.fill('#deviceToken', login.deviceToken);
  if (options.pin !== undefined) await page.fill('#pin', options.pin);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/' || u.search.includes('error'), { timeout });
  if ((await page.$(`[data-screen=${screen}]`)) === null) throw new Error(`not logged in: ${page.url()}`);
  await page.waitForSelector('[data-live][data-state=up]', { timeout });
};

/**
 * A unit's feed beside the demo's own ambulance role (amb-demo-01 under another MQTT client id), on the
 * demo's embedded broker with the demo's keys from its data directory: a test sends reports as that
 * unit would, then watches them on the board. Started and linked up.
 */
export const demoUnitFeed = async (
  demo: CliProcess,
  dataDir: string,
  clientId: string,
): Promise<Awaited<ReturnType<typeof unitFeed>>> => {
  const broker = /MQTT broker \(aedes\) +(mqtt:\/\/\S+)/.exec(demo.stdout)?.[1];
  const keysDir = join(dataDir, 'keys');
  const operator = await readKeyFile(join(keysDir, 'operator-demo.key'));
  if (broker === undefined || !operator.ok) throw new Error('no broker or operator key');
  const keys = {
    directoryFile: join(keysDir, 'directory.json'),
    operatorPublicKey: toBase64(operator.value.publicKeys.ed25519),
    keyFile: (p: string) => join(keysDir, `${p}.key`),
  };
  const unit = await unitFeed({ url: broker, protocolVersion: 4, keys }, 'amb-demo-01', {
    dir: mkdtempSync(join(tmpdir(), 'ems-demo-unit-')),
    clientId,
  });
  await unit.feed.start();
  await waitFor(() => unit.link.isUp || undefined, 'unit link up');
  return unit;
};
