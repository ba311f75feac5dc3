import type { AuditAction, AuditEntry } from './entry.js';

/**
 * FHIR R4 AuditEvent for each entry, after the IHE Basic Audit Log Patterns (BALP): patient-data access
 * as RESTful operations, log-ins as DICOM User Authentication events. Subjects are our opaque ids with
 * a urn system; no patient identifiers are added here.
 */
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const BALP = 'https://profiles.ihe.net/ITI/BALP/StructureDefinition';
const EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const INTERACTION = 'http://hl7.org/fhir/restful-interaction';

interface Coding {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}

const shape = (
  action: AuditAction,
): { profile: string; type: Coding; subtype: Coding; action: 'C' | 'R' | 'U' | 'D' | 'E' } => {
  switch (action) {
    case 'read':
      return {
        profile: 'IHE.BasicAudit.Read',
        type: { system: EVENT_TYPE, code: 'rest', display: 'RESTful Operation' },
        subtype: { system: INTERACTION, code: 'read' },
        action: 'R',
      };
    case 'create':
      return {
        profile: 'IHE.BasicAudit.Create',
        type: { system: EVENT_TYPE, code: 'rest', display: 'RESTful Operation' },
        subtype: { system: INTERACTION, code: 'create' },
        action: 'C',
      };
    case 'update':
      return {
        profile: 'IHE.BasicAudit.Update',
        type: { system: EVENT_TYPE, code: 'rest', display: 'RESTful Operation' },
        subtype: { system: INTERACTION, code: 'update' },
        action: 'U',
      };
    case 'delete':
      return {
        profile: 'IHE.BasicAudit.Delete',
        type: { system: EVENT_TYPE, code: 'rest', display: 'RESTful Operation' },
        subtype: { system: INTERACTION, code: 'delete' },
        action: 'D',
      };
    case 'export':
      return {
        profile: 'IHE.BasicAudit.Read',
        type: { system: DCM, code: '110106', display: 'Export' },
        subtype: { system: INTERACTION, code: 'read' },
        action: 'R',
      };
    case 'search':
      // BALP Query: a search of the register by the lookup's (hashed) inputs.
      return {
        profile: 'IHE.BasicAudit.Query',
        type: { system: EVENT_TYPE, code: 'rest', display: 'RESTful Operation' },
        subtype: { system: INTERACTION, code: 'search-type' },
        action: 'E',
      };
    // Unlocking a locked screen and keeping a kiosk's session are user authentication too (DICOM
    // 110114); BALP has no finer profile for them, so they read as log-ins.
    case 'login':
    case 'login-failed':
    case 'unlock':
    case 'unlock-failed':
    case 'kiosk-on':
    case 'kiosk-off':
      return {
        profile: 'IHE.BasicAudit.Login',
        type: { system: DCM, code: '110114', display: 'User Authentication' },
        subtype: { system: DCM, code: '110122', display: 'Login' },
        action: 'E',
      };
    case 'logout':
      return {
        profile: 'IHE.BasicAudit.Logout',
        type: { system: DCM, code: '110114', display: 'User Authentication' },
        subtype: { system: DCM, code: '110123', display: 'Logout' },
        action: 'E',
      };
    default:
      return action satisfies never;
  }
};

/** v3 ActReason: treatment with consent, or emergency treatment (break-glass) without it. */
const purposeCode = (purpose: AuditEntry['purpose']): string | undefined => {
  switch (purpose) {
    case 'consent':
    case 'refused':
      return 'TREAT';
    case 'emergency-exception':
      return 'ETREAT';
    case null:
      return undefined;
    default:
      return purpose satisfies never;
  }
};

export const toAuditEvent = (e: AuditEntry): Record<string, unknown> => {
  const s = shape(e.action);
  const purpose = purposeCode(e.purpose);
  return {
    resourceType: 'AuditEvent',
    id: `${e.device}-${e.seq}`,
    meta: { profile: [`${BALP}/${s.profile}`] },
    type: s.type,
    subtype: [s.subtype],
    action: s.action,
    recorded: new Date(e.at).toISOString(),
    // 0 success, 4 minor failure (a refused log-in).
    outcome: e.outcome === 'success' ? '0' : '4',
    ...(purpose === undefined
      ? {}
      : {
          purposeOfEvent: [
            {
              coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: purpose }],
              ...(e.reason === null ? {} : { text: e.reason }),
            },
          ],
        }),
    agent: [
      {
        type: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type', code: 'humanuser' },
          ],
        },
        ...(e.role === null ? {} : { role: [{ text: e.role }] }),
        who: { identifier: { system: `urn:ems-gateway:${e.device}:user`, value: e.userId ?? 'unknown' } },
        requestor: true,
      },
      {
        type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] },
        who: { identifier: { system: 'urn:ems-gateway:device', value: e.device } },
        requestor: false,
      },
    ],
    source: {
      observer: { identifier: { system: 'urn:ems-gateway:device', value: e.device } },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4' }],
    },
    ...(e.subject === null
      ? {}
      : {
          entity: [
            {
              what: { identifier: { system: `urn:ems-gateway:${e.subject.kind}`, value: e.subject.id } },
              type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2' },
              // AuditEvent.entity.detail: how the patient was identified (issue 13), as recorded.
              ...(e.assurance === undefined && e.lookup === undefined
                ? {}
                : {
                    detail: [
                      ...(e.assurance === undefined
                        ? []
                        : [{ type: 'identity-assurance', valueString: e.assurance }]),
                      // BALP Query: the query itself is not recorded, only its keyed hash.
                      ...(e.lookup === undefined
                        ? []
                        : [
                            { type: 'query-hmac-sha256', valueString: e.lookup.inputs },
                            { type: 'candidates', valueString: String(e.lookup.candidates) },
                          ]),
                    ],
                  }),
            },
          ],
        }),
  };
};

/** A FHIR `collection` Bundle of AuditEvents, for a hospital's audit repository. */
export const toAuditBundle = (entries: readonly AuditEntry[]): Record<string, unknown> => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: entries.map((e) => ({ resource: toAuditEvent(e) })),
});
