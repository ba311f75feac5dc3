import * as v from 'valibot';
import { HospitalSite, RankingPolicy, RegionalInquiryPolicies } from '../dispatch/index.js';

/** Opaque principal id: lower-case letters, digits and hyphens; it appears in MQTT topics, so never PHI. */
export const PrincipalId = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2–63 lower-case letters, digits or hyphens'),
);

const Port = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));
const PositiveInt = v.pipe(v.number(), v.integer(), v.minValue(1));
const FilePath = v.pipe(v.string(), v.minLength(1, 'must be a file path'));

const HostName = v.pipe(
  v.string(),
  v.regex(
    /^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*|[A-Za-z0-9.-]{1,253})$/,
    'must be a host name or an IP address, without a port',
  ),
);

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

const Http = v.pipe(
  v.object({
    host: v.optional(v.string(), '127.0.0.1'),
    port: v.optional(Port, 8080),
    tls: v.optional(v.object({ certFile: FilePath, keyFile: FilePath })),
    /** Plain HTTP off loopback exposes session cookies; it must be asked for by name. */
    allowPlainHttp: v.optional(v.boolean(), false),
    /**
     * Host names (or addresses) browsers use to reach this instance, besides loopback and `host`: any
     * other Host header is refused, which is what defeats DNS rebinding.
     */
    allowedHosts: v.optional(v.array(HostName), []),
    /** Open connections at most, and from one address: idle sockets cannot exhaust the process's files. */
    maxConnections: v.optional(v.pipe(PositiveInt, v.maxValue(10_000)), 128),
    maxConnectionsPerAddress: v.optional(v.pipe(PositiveInt, v.maxValue(10_000)), 32),
  }),
  // partialCheck, so this is reported even when another http field is wrong too.
  v.forward(
    v.partialCheck(
      [['host'], ['tls'], ['allowPlainHttp']],
      (http) => http.tls !== undefined || http.allowPlainHttp || isLoopback(http.host),
      'plain HTTP is only allowed on loopback: configure http.tls or set http.allowPlainHttp',
    ),
    ['tls'],
  ),
);

/** Plain `mqtt://` or `ws://` to another host: the broker password and every topic travel in clear. */
const isPlainOffLoopback = (url: string): boolean => {
  const parsed = URL.parse(url);
  if (parsed === null || (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'ws:')) return false;
  return !isLoopback(parsed.hostname.replace(/^\[(.*)\]$/, '$1'));
};

const Mqtt = v.pipe(
  v.object({
    url: v.pipe(
      v.string(),
      v.regex(/^(mqtt|mqtts|ws|wss):\/\/.+/, 'must be an mqtt://, mqtts://, ws:// or wss:// URL'),
      // The broker link parses it as a WHATWG URL (hospital-feed/link.ts).
      v.check((url) => URL.parse(url) !== null, 'must be an mqtt://, mqtts://, ws:// or wss:// URL'),
    ),
    /** 4 = MQTT 3.1.1 (aedes, the demo broker), 5 = MQTT 5 (Mosquitto in production). */
    protocolVersion: v.optional(v.picklist([4, 5]), 5),
    caFile: v.optional(FilePath),
    certFile: v.optional(FilePath),
    keyFile: v.optional(FilePath),
    username: v.optional(v.string()),
    /** Name of the environment variable holding the broker password; the password never sits in the file. */
    passwordEnv: v.optional(v.string()),
    /** Plain mqtt:// or ws:// off loopback, only when asked for by name (as `http.allowPlainHttp`). */
    allowPlain: v.optional(v.boolean(), false),
  }),
  v.forward(
    v.partialCheck(
      [['url'], ['allowPlain']],
      (mqtt) => mqtt.allowPlain || !isPlainOffLoopback(mqtt.url),
      'plain mqtt:// or ws:// is only allowed to a loopback broker: use mqtts:// or wss://, or set mqtt.allowPlain',
    ),
    ['url'],
  ),
  v.forward(
    v.partialCheck(
      [['url']],
      (mqtt) => {
        const parsed = URL.parse(mqtt.url);
        return parsed === null || (parsed.username === '' && parsed.password === '');
      },
      'the broker user name and password go in mqtt.username and mqtt.passwordEnv, never in the URL',
    ),
    ['url'],
  ),
  // A client certificate is for a TLS connection the URL asks for by name: never sent over plain TCP,
  // never a silent upgrade (mqtt.js's connect used to switch mqtt:// to TLS when given one).
  v.forward(
    v.partialCheck(
      [['url'], ['certFile'], ['keyFile']],
      (mqtt) => (mqtt.certFile === undefined && mqtt.keyFile === undefined) || /^(mqtts|wss):/.test(mqtt.url),
      'a client certificate (mqtt.certFile, mqtt.keyFile) needs an mqtts:// or wss:// URL',
    ),
    ['url'],
  ),
);

const Log = v.object({
  level: v.optional(v.picklist(['debug', 'info', 'warn', 'error']), 'info'),
});

/** The principal's own key file (mode 0600; `ems-gateway keys generate`). */
const Keys = v.object({
  file: FilePath,
  /**
   * During a key rotation, the key file being retired: envelopes still sealed to it keep opening
   * until its directory entry expires. Signing always uses `file`.
   */
  previousFile: v.optional(FilePath),
  /** Name of the environment variable holding the key files' passphrase, when they are sealed. */
  passphraseEnv: v.optional(v.string()),
});

/** The operator-signed key directory, and the operator's Ed25519 public key it is pinned to. */
const Directory = v.object({
  file: FilePath,
  operatorPublicKey: v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 Ed25519 public key (32 bytes)'),
  ),
});

/** Who may use this instance's screens and API; see docs/api.md (auth flow). */
const Auth = v.object({
  /**
   * Environment variable holding the device token that enrols a browser on this instance (possession
   * factor of the device). When absent, a random token is generated once into dataDir/device-token.
   */
  deviceTokenEnv: v.optional(v.string()),
  /**
   * After this much inactivity (HIPAA 164.312(a)(2)(iii)): the screen locks when a PIN was set at
   * log-in (PIN unlock), else the session logs off.
   */
  idleLogoutSeconds: v.optional(v.pipe(PositiveInt, v.minValue(30), v.maxValue(3600)), 300),
  /**
   * Offer a screen-lock PIN at log-in, so idle locks the screen instead of logging off (a shift's
   * two-factor log-in is not repeated per patient). false: idle always logs off.
   */
  screenLock: v.optional(v.boolean(), true),
  /** Wrong PINs a locked session allows before it ends (then the full log-in). */
  pinTries: v.optional(v.pipe(PositiveInt, v.minValue(1), v.maxValue(10)), 5),
  /** Hard upper bound of a session, active or not: one shift. */
  sessionMaxHours: v.optional(v.pipe(PositiveInt, v.maxValue(24)), 12),
});

const common = {
  id: PrincipalId,
  /** The instance's name as people know it (the log-in page names it): e.g. 救急車 3号, 〇〇病院. */
  displayName: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(80))),
  dataDir: v.optional(FilePath, './.data'),
  http: v.optional(Http, {}),
  log: v.optional(Log, {}),
  mqtt: Mqtt,
  keys: Keys,
  directory: Directory,
  auth: v.optional(Auth, {}),
};

const Reader = v.variant('mode', [
  v.object({
    mode: v.literal('pcsc'),
    /** Use only readers whose name contains this text; all readers when absent. */
    readerName: v.optional(v.string()),
    apduTimeoutMs: v.optional(v.pipe(PositiveInt, v.maxValue(60_000)), 5_000),
  }),
  v.object({
    /** An emulated card in the same process: for the demo and tests, never for patients. */
    mode: v.literal('in-process'),
    seed: v.optional(v.pipe(v.number(), v.integer()), 1),
    /** Which holder of the synthetic population the emulated card belongs to. */
    index: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
    /** The emulator's state (test CA, card keys, PIN counters); `<dataDir>/card-emulator` when absent. */
    stateDir: v.optional(FilePath),
  }),
]);

/**
 * The records URL carries the card certificate, its serial and the crew id in the request body: over
 * TLS always, except to a service on this machine (issue 12, H1; the same bound as `http`).
 */
const RecordsUrl = v.pipe(
  v.string(),
  v.url('must be a URL'),
  v.check((url) => {
    const parsed = URL.parse(url);
    if (parsed === null) return false;
    return (
      parsed.protocol === 'https:' ||
      (parsed.protocol === 'http:' && isLoopback(parsed.hostname.replace(/^\[(.*)\]$/, '$1')))
    );
  }, 'must be an https:// URL (plain http:// only to a loopback host)'),
);

const RecordsCommon = {
  url: RecordsUrl,
  timeoutMs: v.optional(v.pipe(PositiveInt, v.maxValue(120_000)), 8_000),
  maxAttempts: v.optional(v.pipe(PositiveInt, v.maxValue(10)), 4),
  /**
   * The MHLW 薬価基準収載品目リスト as UTF-8 CSV (docs/drug-classes.md): classifies drugs known only by
   * a receipt or HOT code or a name, and the mixed 薬効分類 by ingredient. Without it those drugs stay
   * unclassified (critical flags "incomplete"). Read at start; a missing or malformed file stops the role.
   */
  drugCatalogueFile: v.optional(FilePath),
  /**
   * Card-less lookups (issue 13) each crew member may make per window: a lookup by name and birth
   * date searches a population register, so it is limited like one (docs/records.md).
   */
  lookupLimit: v.optional(
    v.object({
      max: v.optional(v.pipe(PositiveInt, v.maxValue(1000)), 10),
      windowSeconds: v.optional(v.pipe(PositiveInt, v.maxValue(86_400)), 600),
    }),
    {},
  ),
};

/** SMART v2 system scopes, read only (`system/*.read` or narrower); the token endpoint grants no more. */
const ReadScopes = v.pipe(
  v.string(),
  v.regex(
    /^system\/(\*|[A-Z][A-Za-z]{1,63})\.(read|rs|r|s)( system\/(\*|[A-Z][A-Za-z]{1,63})\.(read|rs|r|s))*$/,
    'must be read-only SMART system scopes, e.g. system/*.read',
  ),
);

const Records = v.variant('kind', [
  /** Our signed-request / sealed-answer protocol (docs/records.md): end-to-end encrypted through intermediaries. */
  v.object({
    kind: v.optional(v.literal('sealed'), 'sealed'),
    ...RecordsCommon,
    principalId: PrincipalId,
  }),
  /** Any FHIR R4 server with SMART Backend Services (docs/records.md, "Connecting a FHIR server"). */
  v.object({
    kind: v.literal('fhir'),
    ...RecordsCommon,
    /** The OAuth client id this device is registered under (by default its principal id). */
    clientId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
    scope: v.optional(ReadScopes, 'system/*.read'),
    /** Identifier.system under which the region's server links a card (its certificate serial) to a Patient. */
    patientIdentifierSystem: v.pipe(v.string(), v.url('must be a URI')),
    pageSize: v.optional(v.pipe(PositiveInt, v.maxValue(1000)), 100),
    maxResourcesPerType: v.optional(v.pipe(PositiveInt, v.maxValue(100_000)), 1000),
    capabilityTtlSeconds: v.optional(v.pipe(PositiveInt, v.maxValue(7 * 86_400)), 3600),
    /** The server's CA, and a client certificate for servers that require mutual TLS. */
    tls: v.optional(
      v.object({
        caFile: v.optional(FilePath),
        certFile: v.optional(FilePath),
        keyFile: v.optional(FilePath),
        /** Name of the environment variable holding the client key's passphrase. */
        keyPassphraseEnv: v.optional(v.string()),
      }),
    ),
  }),
]);

const Cache = v.object({
  maxEntries: v.optional(v.pipe(PositiveInt, v.maxValue(10_000)), 64),
  maxBytes: v.optional(v.pipe(PositiveInt, v.maxValue(512 * 1024 * 1024)), 16 * 1024 * 1024),
  ttlSeconds: v.optional(v.pipe(PositiveInt, v.maxValue(24 * 3600)), 4 * 3600),
});

/**
 * Photos and PDFs the crew attaches (issue 16; docs/protocol.md, "Attachments"). Images are
 * re-encoded on the tablet to these bounds; a sealed attachment is at most 8 MiB on the wire.
 */
const Attachments = v.object({
  maxEdgePx: v.optional(v.pipe(PositiveInt, v.minValue(320), v.maxValue(4096)), 1600),
  jpegQuality: v.optional(v.pipe(PositiveInt, v.minValue(50), v.maxValue(95)), 80),
  maxImageKiB: v.optional(v.pipe(PositiveInt, v.minValue(64), v.maxValue(8192)), 1024),
  maxPdfKiB: v.optional(v.pipe(PositiveInt, v.minValue(64), v.maxValue(8192)), 4096),
  maxUploadMiB: v.optional(v.pipe(PositiveInt, v.maxValue(64)), 20),
  maxPerPatient: v.optional(v.pipe(PositiveInt, v.maxValue(20)), 8),
});

/**
 * The tablet's GPS-based ETA (issue 16, item 4; docs/dispatch.md, "GPS ETA on the tablet"): where the
 * destination hospitals stand, and when a new ETA is worth an update. The drive time uses dispatch's
 * travel model with the same road factor and speed (the `ranking` defaults unless set here).
 */
const Eta = v.object({
  /** Destination hospitals with their coordinates; a destination not listed gets no GPS ETA. */
  sites: v.optional(v.array(HospitalSite), []),
  roadFactor: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(3)), 1.4),
  averageSpeedKmh: v.optional(v.pipe(v.number(), v.minValue(5), v.maxValue(150)), 35),
  /** A GPS ETA at least this many minutes from the one the hospital holds is sent as an update. */
  materialChangeMinutes: v.optional(v.pipe(v.number(), v.minValue(0.5), v.maxValue(60)), 2),
  /** At most one automatic ETA update per report this often. */
  minUpdateSeconds: v.optional(v.pipe(PositiveInt, v.maxValue(3600)), 60),
  /** Fixes older than this, or less precise than `maxAccuracyMeters`, are not used. */
  maxFixAgeSeconds: v.optional(v.pipe(PositiveInt, v.maxValue(600)), 60),
  maxAccuracyMeters: v.optional(v.pipe(PositiveInt, v.maxValue(10_000)), 500),
});

export const AmbulanceConfig = v.object({
  role: v.literal('ambulance'),
  ...common,
  reader: Reader,
  /**
   * PEM files of the CAs that issue user-auth certificates: the J-LIS user-auth CA in production, the
   * emulator's test CA in the demo and tests. A card whose certificate chains to none is refused.
   */
  trustAnchors: v.pipe(v.array(FilePath), v.minLength(1, 'name at least one trust anchor PEM file')),
  records: Records,
  cache: v.optional(Cache, {}),
  attachments: v.optional(Attachments, {}),
  eta: v.optional(Eta, {}),
  /** How long the crew sees the hospital's outcome for a patient it brought in (then it is deleted). */
  outcomes: v.optional(
    v.object({ retentionHours: v.optional(v.pipe(PositiveInt, v.maxValue(720)), 72) }),
    {},
  ),
  /** The crew contact the pre-arrival report carries (prefilled on the tablet's form). */
  contact: v.optional(
    v.object({
      callSign: v.pipe(v.string(), v.minLength(1), v.maxLength(40)),
      phone: v.pipe(v.string(), v.regex(/^\+?[0-9-]{6,20}$/, 'must be a phone number')),
    }),
  ),
});

/** The triage board: alerts, escalation and the lists (docs/operations.md, "Triage board"). */
const Triage = v.object({
  /** An unacknowledged alert sounds again this often. */
  realertSeconds: v.optional(v.pipe(PositiveInt, v.minValue(15), v.maxValue(3600)), 120),
  /** After this long unacknowledged, an alert escalates (and keeps re-alerting). */
  escalateAfterMinutes: v.optional(v.pipe(PositiveInt, v.maxValue(240)), 20),
  /**
   * Who is to be called when an alert escalates, as the board shows it ("救急科当番医 PHS 4321"): a
   * role and a number, never patient data. Absent: the board says no contact is configured.
   */
  escalationContact: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120))),
  /** A report this long past its ETA, not handed over, moves to the recent list. */
  overdueMinutes: v.optional(v.pipe(PositiveInt, v.maxValue(24 * 60)), 60),
  /** How long finished and overdue reports stay on the recent list. */
  recentHours: v.optional(v.pipe(PositiveInt, v.maxValue(72)), 4),
});

export const HospitalConfig = v.object({
  role: v.literal('hospital'),
  ...common,
  /** Days a received report is kept in the inbox before it is deleted. */
  retentionDays: v.optional(v.pipe(PositiveInt, v.maxValue(3650)), 7),
  triage: v.optional(Triage, {}),
});

export const DispatchConfig = v.object({
  role: v.literal('dispatch'),
  ...common,
  /** A region file (hospitals with coordinates and capabilities); the synthetic sample region when absent. */
  regionFile: v.optional(FilePath),
  /** Without a region file: the synthetic sample region's seed and size (demo and trials only). */
  sampleRegion: v.optional(
    v.object({
      seed: v.optional(v.pipe(v.number(), v.integer()), 1),
      count: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(5000)), 200),
    }),
    {},
  ),
  /** Sites added to the region (hospitals on this broker not yet in the region file). */
  extraSites: v.optional(v.array(HospitalSite), []),
  /** Ranking weights, in minutes (docs/dispatch.md); every field optional. */
  ranking: v.optional(RankingPolicy, {}),
  /** Timeouts, round size and escalation rule: a default and per-region overrides by region id. */
  inquiries: v.optional(RegionalInquiryPolicies, { default: { regionalCentreId: 'regional-centre' } }),
});

export const RoleConfig = v.variant('role', [AmbulanceConfig, HospitalConfig, DispatchConfig]);

export type AmbulanceConfig = v.InferOutput<typeof AmbulanceConfig>;
export type HospitalConfig = v.InferOutput<typeof HospitalConfig>;
export type DispatchConfig = v.InferOutput<typeof DispatchConfig>;
export type RoleConfig = v.InferOutput<typeof RoleConfig>;
export type RoleName = RoleConfig['role'];
