import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/index.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/hospital-feed/index.js';
import { createLogger } from '../../src/log/index.js';
import { startConfiguredRole, type RunningRole } from '../../src/roles/index.js';
import { unitFeed } from '../support/feed/harness.js';
import { feedKeys } from '../support/feed/keys.js';
import { directSession } from '../support/sessions.js';

/**
 * A real hospital role (HTTP, gateway, receiver on the real codec) on the embedded broker (MQTT
 * 3.1.1, as in the demo), and an ambulance's feed with its own key file sending to it.
 */
export const openTriageRig = async () => {
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
  const role: RunningRole = await startConfiguredRole(config.value, {
    env: {},
    logger: createLogger({ level: 'warn' }),
  });
  const unit = await unitFeed({ url: broker.url, protocolVersion: 4, keys }, 'amb-demo-01', {
    dir: mkdtempSync(join(dir, 'unit-')),
  });
  await unit.feed.start();
  const session = directSession(role.gateway, 'triage-user', 'triage');
  const cookie = session.cookie;
  const http = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${role.url.replace(/\/$/, '')}${path}`, {
      redirect: 'manual',
      ...init,
      headers: { cookie, ...(init.headers as Record<string, string> | undefined) },
    });
  return {
    dir,
    keys,
    role,
    unit,
    csrf: session.csrf,
    http,
    close: async () => {
      await unit.close();
      await role.stop();
      await broker.close();
    },
  };
};

export type TriageRig = Awaited<ReturnType<typeof openTriageRig>>;
