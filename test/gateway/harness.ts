import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig, type RoleConfig } from '../../src/config/index.js';
import { ManualClock } from '../../src/core/index.js';
import {
  base32Decode,
  deviceCookieValue,
  issueCredentials,
  openGateway,
  Readiness,
  totp,
  type Gateway,
  type IssuedCredentials,
  type UserRoleName,
} from '../../src/gateway/index.js';
import { silentLogger } from '../../src/log/index.js';
import { Metrics } from '../../src/metrics/index.js';
import { directSession, TEST_DEVICE } from '../support/sessions.js';

export const TEST_COST = { N: 1024, r: 8, p: 1 };
/** Argon2id at libsodium's minimum (crypto_pwhash_OPSLIMIT_MIN, MEMLIMIT_MIN): fast, still Argon2id. */
export const TEST_PIN_COST = { opsLimit: 1, memLimit: 8192 };
export const INSTANCES = ['ambulance', 'hospital', 'dispatch'] as const;
export type Instance = (typeof INSTANCES)[number];

export const configFor = (
  role: Instance,
  dataDir: string,
  extra: Record<string, unknown> = {},
): RoleConfig => {
  const base: Record<string, unknown> = {
    role,
    id: `${role}-test`,
    dataDir,
    mqtt: { url: 'mqtt://127.0.0.1:1' },
    // The gateway itself reads neither keys nor anchors; these only satisfy the role schema.
    keys: { file: join(dataDir, 'device.key.json') },
    directory: { file: join(dataDir, 'directory.json'), operatorPublicKey: `${'A'.repeat(43)}=` },
    ...(role === 'ambulance'
      ? {
          trustAnchors: [join(dataDir, 'anchor.pem')],
          reader: { mode: 'in-process' },
          records: { url: 'http://127.0.0.1:1/', principalId: 'records-test' },
        }
      : {}),
    ...extra,
  };
  const result = validateConfig(base);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
};

export interface Harness {
  readonly gateway: Gateway;
  readonly clock: ManualClock;
  readonly dataDir: string;
  /** Cookie header of a fresh session for this role (created directly, bypassing login). */
  cookie(role: UserRoleName): string;
  /** Session cookie plus its CSRF token. */
  session(role: UserRoleName): { cookie: string; csrf: string };
  /** The enrolled-device cookie (of the device `session` binds to). */
  deviceCookie(): string;
  issue(id: string, role: UserRoleName): Promise<IssuedCredentials>;
  code(secret: string): string;
  request(path: string, init?: RequestInit): Promise<Response>;
}

export const openHarness = async (
  instance: Instance,
  extra: Record<string, unknown> = {},
): Promise<Harness> => {
  // `extra.dataDir` reopens an existing instance (a restart); else a fresh private directory.
  const dataDir =
    typeof extra['dataDir'] === 'string'
      ? extra['dataDir']
      : mkdtempSync(join(tmpdir(), `ems-gw-${instance}-`));
  const clock = new ManualClock(Date.UTC(2025, 3, 1, 5, 0, 0));
  const gateway = await openGateway({
    config: configFor(instance, dataDir, extra),
    env: {},
    logger: silentLogger,
    metrics: new Metrics({}, false),
    readiness: new Readiness(),
    clock,
    scryptCost: TEST_COST,
    pinCost: TEST_PIN_COST,
    heartbeatMs: 50,
  });
  const session = (role: UserRoleName): { cookie: string; csrf: string } => {
    const { cookie, csrf } = directSession(gateway, `${role}-user`, role);
    return { cookie, csrf };
  };
  return {
    gateway,
    clock,
    dataDir,
    cookie: (role) => session(role).cookie,
    session,
    deviceCookie: () => `ems-device=${deviceCookieValue(gateway.deviceToken, TEST_DEVICE)}`,
    issue: (id, role) => issueCredentials(gateway.users, { id, role }, 'test', TEST_COST, clock.now()),
    code: (secret) => totp(base32Decode(secret) ?? new Uint8Array(), clock.now()),
    request: (path, init) => Promise.resolve(gateway.app.request(path, init)),
  };
};
