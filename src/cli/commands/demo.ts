import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../log/index.js';
import { DEMO_LINK_TTL_MS, startDemo } from '../../roles/demo.js';
import { integerOption, untilAborted, write, type Command } from '../command.js';

const help = `ems-gateway demo [--data-dir DIR] [--port-base N] [--mqtt-port N]

Runs the whole system in one process on embedded defaults: an MQTT broker (aedes, MQTT 3.1.1, on
127.0.0.1), an ambulance gateway with an in-process emulated card, three hospital receivers and a
dispatch centre, then prints the URL of each screen. Stop it with Ctrl-C.

  --data-dir DIR   where state and the demo log are kept (default ./.data, or EMS_DATA_DIR)
  --port-base N    first HTTP port; the roles take N..N+4 (default 8080; 0 = any free ports)
  --mqtt-port N    the embedded broker's port (default 1883; 0 = any free port)

All data is synthetic. Nothing leaves this machine.`;

export const demoCommand: Command = {
  help,
  async run(args, io) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        'data-dir': { type: 'string' },
        'port-base': { type: 'string' },
        'mqtt-port': { type: 'string' },
      },
    });
    const dataDir = resolve(values['data-dir'] ?? io.env['EMS_DATA_DIR'] ?? './.data');
    const logFile = join(dataDir, 'demo.log');
    const demo = await startDemo({
      dataDir,
      logger: createLogger({ file: logFile }),
      portBase: integerOption('--port-base', values['port-base'], 8080, 0, 65_535),
      mqttPort: integerOption('--mqtt-port', values['mqtt-port'], 1883, 0, 65_535),
      env: io.env,
    });
    const lines = [
      '',
      'ems-gateway demo is running (synthetic data only).',
      `  MQTT broker (aedes)     ${demo.brokerUrl}`,
      `  records-sim records-demo ${demo.recordsUrl}/ (sealed API); FHIR R4 ${demo.fhirUrl ?? '-'} (the ambulance's upstream)`,
      ...demo.roles.map((r) => `  ${`${r.role} ${r.id}`.padEnd(24)}${r.url}/`),
      '',
      'Demo log-ins (synthetic, new at every start). The device code enrols a browser once; for the',
      '6-digit code run: npx ems-gateway users code SECRET (or add the secret to an authenticator app).',
      ...demo.logins.flatMap((l) => [
        `  ${l.principal.padEnd(16)}device code ${l.deviceToken}`,
        ...l.users.map(
          (u) =>
            `    ${u.userId.padEnd(16)}${u.role.padEnd(11)}password ${u.password}  TOTP secret ${u.totpSecret}`,
        ),
      ]),
      '',
      `Ready-to-click log-ins (demo only; each link works once, for ${DEMO_LINK_TTL_MS / 60_000} minutes; then use the`,
      'password and code above):',
      ...demo.logins.flatMap((l) =>
        l.links.map((k) => `  ${k.userId.padEnd(16)}${l.principal.padEnd(14)}${k.url}`),
      ),
      '',
      'On the tablet (crew-demo), the demo panel taps an emulated card of a synthetic holder and shows',
      "that holder's card PIN.",
      'Every role answers /healthz, /readyz, /metrics and /openapi.json. Ctrl-C stops.',
      `Logs (JSON lines): ${logFile}`,
    ];
    write(io.stdout, lines.join('\n'));
    await untilAborted(io.signal);
    await demo.stop();
    return 0;
  },
};
