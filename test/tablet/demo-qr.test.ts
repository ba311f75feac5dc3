import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type Rig } from '../support/tablet-rig.js';
import { waitFor } from '../support/wait.js';

/**
 * The demo's お薬手帳 control draws a synthetic holder's QR on the tablet; the encoder (qrcode) is
 * imported on the first one drawn, not at start-up (issue 16: a tablet on a real reader never loads it).
 */
describe('the demo’s お薬手帳 QR', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 120_000);
  afterAll(async () => {
    await rig.close();
  });

  it('is drawn as a PNG on the tablet once the crew picks a holder', async () => {
    const holder = /<option value="(\d+)"/.exec(await rig.crew.panel('qr'))?.[1];
    if (holder === undefined) throw new Error('no demo holder offered');
    expect((await rig.crew.post('/tablet/demo/okusuri-techo', { holder })).status).toBe(303);
    await waitFor(
      async () =>
        /src="data:image\/png;base64,[A-Za-z0-9+/]+=*"/.test(await rig.crew.panel('qr')) ? true : undefined,
      'the QR image on the tablet',
    );
  }, 120_000);
});
