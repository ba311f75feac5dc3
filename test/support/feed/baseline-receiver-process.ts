/**
 * bench:feed's baseline receiver, in a process of its own as the hospital feed is: it subscribes as
 * `hosp-demo-b` to its inbound topic and, per message, prints `got TIME` (`epochNow`). With
 * EMS_DURABLE_FILE it first inserts the payload into that SQLite file (WAL, synchronous FULL, as the
 * feed opens its files), so the broker's PUBACK follows the commit: the durable baseline's receiver.
 * Prints `ready` once subscribed.
 */
import { endpointFromEnv } from './child-env.js';
import { durableTable } from './durable-table.js';
import { connectLink, epochNow } from './harness.js';

const file = process.env['EMS_DURABLE_FILE'];
const store = file === undefined ? () => undefined : durableTable(file);

const link = connectLink(await endpointFromEnv(), 'hosp-demo-b', 'hosp-demo-b', (_topic, payload) => {
  store(payload);
  process.stdout.write(`got ${epochNow()}\n`);
  return Promise.resolve();
});
await new Promise<void>((resolve) => (link.isUp ? resolve() : link.once('up', () => resolve())));
await link.subscribe('ems/v1/hospital/hosp-demo-b/in');
process.stdout.write('ready\n');
