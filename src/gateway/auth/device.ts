import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEVICE_TOKEN_MIN_LENGTH } from '../../config/index.js';
import { err, ok, type Result } from '../../core/index.js';

/**
 * The instance's device token: from the configured environment variable, else generated once into
 * dataDir/device-token (0600). It enrols a browser (the tablet) once; see docs/api.md.
 */
export const loadDeviceToken = async (
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
  envName: string | undefined,
): Promise<Result<string, string>> => {
  if (envName !== undefined) {
    const value = env[envName];
    if (value === undefined || value.length < DEVICE_TOKEN_MIN_LENGTH)
      return err(`auth.deviceTokenEnv: ${envName} must hold at least ${DEVICE_TOKEN_MIN_LENGTH} characters`);
    return ok(value);
  }
  const file = join(dataDir, 'device-token');
  try {
    return ok((await readFile(file, 'utf8')).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = randomBytes(12).toString('base64url');
  await writeFile(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
  return ok(generated);
};

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** A fresh id for a browser being enrolled: it keys sessions and log-in throttling to that browser. */
export const newDeviceId = (): string => randomBytes(12).toString('base64url');

const deviceMac = (token: string, deviceId: string): string =>
  createHmac('sha256', token).update(`ems-gateway device enrolment v2\u0000${deviceId}`).digest('base64url');

/**
 * The enrolled-device cookie's value: the browser's own id and a MAC of it under the device token, so
 * the token itself never sits in a cookie, and an id cannot be made up without the token.
 */
export const deviceCookieValue = (token: string, deviceId: string): string =>
  `${deviceId}.${deviceMac(token, deviceId)}`;

/** The id of the enrolled browser this cookie belongs to, or undefined when it is absent or forged. */
export const enrolledDevice = (cookie: string | undefined, token: string): string | undefined => {
  const [deviceId, mac, ...rest] = (cookie ?? '').split('.');
  if (deviceId === undefined || mac === undefined || rest.length > 0 || !/^[\w-]{16}$/.test(deviceId))
    return undefined;
  return same(mac, deviceMac(token, deviceId)) ? deviceId : undefined;
};

export const isDeviceToken = (given: string, token: string): boolean => same(given.trim(), token);
