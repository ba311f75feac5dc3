import type { HospitalConfig } from '../config/index.js';
import { mountFeed } from './feed.js';
import { mountHospitalDispatch } from './hospital/index.js';
import type { RolePart } from './runtime.js';
import { mountTriage, openAlertDesk } from './triage/index.js';

/** The hospital: inbox from the ambulances, the triage board and the desk dispatch asks. */
export const hospitalPart = (config: HospitalConfig): RolePart => ({
  mount: async (ctx) => {
    const feed = await mountFeed(config, ctx);
    if (feed?.role !== 'hospital') throw new Error('the hospital role needs its hospital feed');
    const alerts = openAlertDesk(config, ctx);
    const hospital = await mountHospitalDispatch(config, ctx, feed.receiver, feed.codec, alerts);
    mountTriage({ config, ctx, receiver: feed.receiver, inquiries: hospital.inquiries, alerts });
  },
});
