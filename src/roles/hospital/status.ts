import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Clock, type Result } from '../../core/index.js';
import { signStatement, type DeviceIdentity } from '../../crypto/index.js';
import { CATEGORIES, parseHospitalStatus, STATUS_KIND, type HospitalStatus } from '../../dispatch/index.js';
import { topics, type BrokerLink } from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';

/** The last status the desk saved, so a restart publishes it again rather than a blank one. */
export const STATUS_FILE = 'hospital-status.json';

export const STATUS_UPDATE_ERROR = { invalidStatus: 'invalidStatus', notSaved: 'notSaved' } as const;
export type StatusUpdateError = (typeof STATUS_UPDATE_ERROR)[keyof typeof STATUS_UPDATE_ERROR];

/** What the desk edits; the hospital id and the time are ours to set. */
export type StatusEdit = Omit<HospitalStatus, 'hospitalId' | 'updatedAt'>;

/**
 * Nobody has said yet what this ED can take: closed and accepting nothing, so dispatch excludes it
 * (and says why) until the desk opens it. Claiming capacity by default could send a patient nowhere.
 */
export const closedStatus = (hospitalId: string, now: number): HospitalStatus => ({
  hospitalId,
  erOpen: false,
  accepts: Object.fromEntries(CATEGORIES.map((c) => [c, false])) as HospitalStatus['accepts'],
  beds: { free: 0, icuFree: 0 },
  equipment: { ct: false, mri: false, cathLab: false },
  loadPercent: 0,
  updatedAt: now,
});

/** Atomic write: a power cut leaves the old file or the new one, never half of one. */
export const writeStatusFile = async (dataDir: string, status: HospitalStatus): Promise<void> => {
  const file = join(dataDir, STATUS_FILE);
  await writeFile(`${file}.tmp`, JSON.stringify(status), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
};

const readStatusFile = async (dataDir: string, hospitalId: string): Promise<HospitalStatus | undefined> => {
  try {
    const parsed = parseHospitalStatus(JSON.parse(await readFile(join(dataDir, STATUS_FILE), 'utf8')));
    return parsed.ok && parsed.value.hospitalId === hospitalId ? parsed.value : undefined;
  } catch {
    return undefined;
  }
};

export interface StatusPublisherOptions {
  readonly hospitalId: string;
  readonly dataDir: string;
  readonly identity: DeviceIdentity;
  readonly link: Pick<BrokerLink, 'publish' | 'on'>;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Publishes the hospital's own status, signed, retained, QoS 1, on its status topic: at start, on
 * every edit and whenever the link comes back (a broker without persistence forgets retained
 * messages). Dispatch reads the last one the moment it subscribes.
 */
export class StatusPublisher {
  #current: HospitalStatus;
  #published = false;

  private constructor(
    private readonly o: StatusPublisherOptions,
    initial: HospitalStatus,
  ) {
    this.#current = initial;
  }

  static async open(o: StatusPublisherOptions): Promise<StatusPublisher> {
    const saved = await readStatusFile(o.dataDir, o.hospitalId);
    const publisher = new StatusPublisher(o, saved ?? closedStatus(o.hospitalId, o.clock.now()));
    o.link.on('up', () => void publisher.publish());
    await publisher.publish();
    return publisher;
  }

  get current(): HospitalStatus {
    return this.#current;
  }

  /** Whether the broker acknowledged the last publish (PUBACK); false until the link is up. */
  get published(): boolean {
    return this.#published;
  }

  async update(edit: StatusEdit): Promise<Result<HospitalStatus, StatusUpdateError>> {
    const parsed = parseHospitalStatus({
      ...edit,
      hospitalId: this.o.hospitalId,
      updatedAt: this.o.clock.now(),
    });
    if (!parsed.ok) return err(STATUS_UPDATE_ERROR.invalidStatus);
    try {
      await writeStatusFile(this.o.dataDir, parsed.value);
    } catch {
      return err(STATUS_UPDATE_ERROR.notSaved);
    }
    this.#current = parsed.value;
    await this.publish();
    return ok(parsed.value);
  }

  async publish(): Promise<void> {
    const wire = signStatement(this.o.identity, STATUS_KIND, JSON.stringify(this.#current));
    const sent = await this.o.link.publish(topics.hospitalStatus(this.o.hospitalId), wire, true);
    this.#published = sent.ok;
    if (!sent.ok) this.o.logger.warn('hospital status not published yet', { code: sent.error });
  }
}
