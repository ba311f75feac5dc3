import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/index.js';
import type { Clock } from '../../src/core/index.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/hospital-feed/index.js';
import { createLogger } from '../../src/log/index.js';
import { startConfiguredRole, type RunningRole } from '../../src/roles/index.js';
import { unitFeed } from '../support/feed/harness.js';
import { feedKeys } from '../support/feed/keys.js';
import { fetchOwnConnection } from '../support/http-client.js';
import { directSession } from '../support/sessions.js';

/**
 * A real hospital role (HTTP, gateway, receiver on the real codec) on the embedded broker (MQTT
 * 3.1.1, as in the demo), and an ambulance's feed with its own key file sending to it.
 */
export const openTriageRig = async (options: { readonly clock?: Clock } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'triage-'));
  const keys = await feedKeys(dir, { 'amb-demo-01': 'ambulance', 'hosp-demo-a': 'hospital' });
  const broker: EmbeddedBroker = await startEmbeddedBroker('127.0.0.1', 0);
  const config = validateConfig({
    role: 'hospital',
    id: 'hosp-demo-a',
    dataDir: join(dir, 'hospital'),
    http: { port: 0 },
    mqtt: { url: broker.url, protocolVersion: 4 },
    keys: { file: keys.keyFile('hosp-demo-a') },
    directory: { file: keys.directoryFile, operatorPublicKey: keys.operatorPublicKey },
  });
  if (!config.ok) throw new Error(JSON.stringify(config.error));
  const start = (clock: Clock | undefined): Promise<RunningRole> =>
    startConfiguredRole(config.value, {
      env: {},
      logger: createLogger({ level: 'warn' }),
      ...(clock === undefined ? {} : { clock }),
    });
  let role = await start(options.clock);
  let session = directSession(role.gateway, 'triage-user', 'triage');
  const unit = await unitFeed({ url: broker.url, protocolVersion: 4, keys }, 'amb-demo-01', {
    dir: mkdtempSync(join(dir, 'unit-')),
  });
  await unit.feed.start();
  const http = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetchOwnConnection(`${role.url.replace(/\/$/, '')}${path}`, {
      redirect: 'manual',
      ...init,
      headers: { cookie: session.cookie, ...(init.headers as Record<string, string> | undefined) },
    });
  return {
    dir,
    keys,
    get role(): RunningRole {
      return role;
    },
    unit,
    get csrf(): string {
      return session.csrf;
    },
    http,
    /** Stops the hospital role and starts it again on the same data directory (and broker session). */
    restart: async (clock?: Clock): Promise<void> => {
      await role.stop();
      role = await start(clock);
      session = directSession(role.gateway, 'triage-user', 'triage');
    },
    close: async () => {
      await unit.close();
      await role.stop();
      await broker.close();
    },
  };
};

export type TriageRig = Awaited<ReturnType<typeof openTriageRig>>;
