/**
 * The feed's topic tree. Every level below `ems/v1` is a principal id, which the configuration schema
 * restricts to opaque lower-case ids: no patient data ever appears in a topic (it is visible to the
 * broker, its logs and its ACL engine). Pattern ACLs match one whole level per id (field notes,
 * Mosquitto `%u`), which is why the id has a level of its own.
 */
export const TOPIC_ROOT = 'ems/v1';

export const topics = {
  /** Reports, updates and cancellations for a hospital; only that hospital may subscribe. */
  hospitalInbox: (hospitalId: string): string => `${TOPIC_ROOT}/hospital/${hospitalId}/in`,
  /** Acknowledgements, answers and handover notices for an ambulance unit; dispatch's assignments. */
  unitInbox: (unitId: string): string => `${TOPIC_ROOT}/unit/${unitId}/in`,
  /** Inquiry answers from hospitals and case milestones from units, for a dispatch centre. */
  dispatchInbox: (dispatchId: string): string => `${TOPIC_ROOT}/dispatch/${dispatchId}/in`,
  /** The hospital's own signed status, retained so dispatch sees the last one on subscribing. */
  hospitalStatus: (hospitalId: string): string => `${TOPIC_ROOT}/hospital/${hospitalId}/status`,
  /** Every hospital's status, for dispatch (single-level wildcard: the id level only). */
  allHospitalStatuses: `${TOPIC_ROOT}/hospital/+/status`,
  /**
   * The hospital's own presence, retained: `up` with a new epoch once its subscriptions are in place,
   * its Last Will `down` (presence.ts). Ids only, like every topic.
   */
  hospitalPresence: (hospitalId: string): string => `${TOPIC_ROOT}/hospital/${hospitalId}/presence`,
  /** Every hospital's presence, for the units (single-level wildcard: the id level only). */
  allHospitalPresence: `${TOPIC_ROOT}/hospital/+/presence`,
  /** The unit's own presence, retained, as the hospital's (presence.ts). */
  unitPresence: (unitId: string): string => `${TOPIC_ROOT}/unit/${unitId}/presence`,
  /** Every unit's presence, for the hospitals. */
  allUnitPresence: `${TOPIC_ROOT}/unit/+/presence`,
} as const;

/** Inbox topic of a principal, by the role that owns it. */
export type InboxOwner = 'hospital' | 'unit' | 'dispatch';

export const inboxTopic = (owner: InboxOwner, id: string): string => {
  switch (owner) {
    case 'hospital':
      return topics.hospitalInbox(id);
    case 'unit':
      return topics.unitInbox(id);
    case 'dispatch':
      return topics.dispatchInbox(id);
    default:
      return owner satisfies never;
  }
};

const STATUS_TOPIC = /^ems\/v1\/hospital\/([a-z0-9][a-z0-9-]{1,62})\/status$/;

/** The hospital id a status topic names; a status is only believed from the principal its topic names. */
export const parseStatusTopic = (topic: string): string | undefined => STATUS_TOPIC.exec(topic)?.[1];

/** Who announces its presence: hospitals (read by units) and units (read by hospitals). */
export type PresenceOwner = 'hospital' | 'unit';

const PRESENCE_TOPIC = /^ems\/v1\/(hospital|unit)\/([a-z0-9][a-z0-9-]{1,62})\/presence$/;

/** The id of the `owner` a presence topic names; only that principal may write it (make-acl.sh). */
export const parsePresenceTopic = (owner: PresenceOwner, topic: string): string | undefined => {
  const match = PRESENCE_TOPIC.exec(topic);
  return match?.[1] === owner ? match[2] : undefined;
};
