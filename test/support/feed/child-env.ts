/**
 * The environment a feed child process (test/support/feed/*-process.ts) is started with, read one
 * way: EMS_URL, EMS_PROTOCOL (4 or 5, default 5), EMS_PKI (the test PKI's directory; none for plain
 * MQTT) and EMS_KEYS (the key files' directory, test/support/feed/keys.ts).
 */
import { join } from 'node:path';
import type { Endpoint } from './harness.js';
import { feedKeys } from './keys.js';

export const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} missing`);
  return value;
};

export const endpointFromEnv = async (): Promise<Endpoint> => {
  const pkiDir = process.env['EMS_PKI'];
  return {
    keys: await feedKeys(process.env['EMS_KEYS'] ?? ''),
    url: env('EMS_URL'),
    protocolVersion: process.env['EMS_PROTOCOL'] === '4' ? 4 : 5,
    ...(pkiDir === undefined
      ? {}
      : {
          pki: {
            dir: pkiDir,
            ca: join(pkiDir, 'ca.crt'),
            cert: (p: string) => join(pkiDir, `${p}.crt`),
            key: (p: string) => join(pkiDir, `${p}.key`),
          },
        }),
  };
};
