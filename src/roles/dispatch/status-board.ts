import { err, ok, type Clock, type Result } from '../../core/index.js';
import { verifyStatement, type DirectoryView, type StatementErrorCode } from '../../crypto/index.js';
import { parseHospitalStatus, STATUS_KIND, type HospitalStatus } from '../../dispatch/index.js';
import { parseStatusTopic } from '../../hospital-feed/index.js';

/** Why a status message changed nothing; counted by reason, never logged with its content. */
export const STATUS_REJECTION = {
  badTopic: 'badTopic',
  malformed: 'malformed',
  badSignature: 'badSignature',
  unknownSigner: 'unknownSigner',
  wrongRole: 'wrongRole',
  wrongPrincipal: 'wrongPrincipal',
  invalidStatus: 'invalidStatus',
  outdated: 'outdated',
  fromTheFuture: 'fromTheFuture',
} as const;
export type StatusRejection = (typeof STATUS_REJECTION)[keyof typeof STATUS_REJECTION];

const fromStatement = (code: StatementErrorCode): StatusRejection => {
  switch (code) {
    case 'STATEMENT_MALFORMED':
    case 'STATEMENT_WRONG_KIND':
      return 'malformed';
    case 'STATEMENT_BAD_SIGNATURE':
      return 'badSignature';
    case 'STATEMENT_UNKNOWN_SIGNER':
    case 'STATEMENT_SIGNER_KEY_REVOKED':
    case 'STATEMENT_SIGNER_KEY_EXPIRED':
    case 'STATEMENT_SIGNER_KEY_NOT_YET_VALID':
      return 'unknownSigner';
    default:
      return code satisfies never;
  }
};

/**
 * How far a hospital's clock may run ahead of ours, as for envelopes (docs/protocol.md): a status
 * dated later than this is never stored, so a box with a wrong clock (or a stolen key) cannot hold a
 * row with a date no real status can follow.
 */
export const STATUS_SKEW_MS = 2 * 60_000;

/**
 * Where a held status stands in the order of statuses: its own date, but never later than when we
 * received it. A status dated a minute ahead (inside the skew) would otherwise refuse the next real
 * one as outdated until our clock caught up.
 */
const orderOf = (e: BoardEntry): number => Math.min(e.status.updatedAt, e.receivedAt);

/** Where a status came from: a hospital's signed message, or the synthetic sample region. */
export type StatusSource = 'signed' | 'sample';

export interface BoardEntry {
  readonly status: HospitalStatus;
  readonly source: StatusSource;
  readonly receivedAt: number;
}

/**
 * The last good status of every hospital. A status counts only when its signature verifies against
 * the pinned directory, the signer is a hospital, it is the very hospital the topic and the status
 * name, it is not dated beyond the clock skew, and it is not older than the one we hold (a replayed
 * old status cannot roll one back).
 */
export class StatusBoard {
  readonly #entries = new Map<string, BoardEntry>();
  readonly #rejected = new Map<StatusRejection, number>();

  constructor(
    private readonly directory: DirectoryView,
    private readonly clock: Clock,
    private readonly onRejected: (reason: StatusRejection) => void = () => undefined,
  ) {}

  /** Synthetic statuses of the sample region (demo): shown, ranked, and labelled as sample. */
  seed(statuses: readonly HospitalStatus[]): void {
    const now = this.clock.now();
    for (const status of statuses)
      this.#entries.set(status.hospitalId, { status, source: 'sample', receivedAt: now });
  }

  accept(topic: string, payload: Uint8Array): Result<BoardEntry, StatusRejection> {
    const result = this.#check(topic, payload);
    if (!result.ok) {
      this.#rejected.set(result.error, (this.#rejected.get(result.error) ?? 0) + 1);
      this.onRejected(result.error);
      return result;
    }
    this.#entries.set(result.value.status.hospitalId, result.value);
    return result;
  }

  #check(topic: string, payload: Uint8Array): Result<BoardEntry, StatusRejection> {
    const hospitalId = parseStatusTopic(topic);
    if (hospitalId === undefined) return err('badTopic');
    const now = this.clock.now();
    const verified = verifyStatement(payload, { kind: STATUS_KIND, directory: this.directory.current, now });
    if (!verified.ok) return err(fromStatement(verified.error.code));
    if (verified.value.signer.role !== 'hospital') return err('wrongRole');
    if (verified.value.signer.principal !== hospitalId) return err('wrongPrincipal');
    let json: unknown;
    try {
      json = JSON.parse(verified.value.payload);
    } catch {
      return err('invalidStatus');
    }
    const status = parseHospitalStatus(json);
    if (!status.ok) return err('invalidStatus');
    if (status.value.hospitalId !== hospitalId) return err('wrongPrincipal');
    if (status.value.updatedAt > now + STATUS_SKEW_MS) return err('fromTheFuture');
    const held = this.#entries.get(hospitalId);
    if (held?.source === 'signed' && orderOf(held) > status.value.updatedAt) return err('outdated');
    return ok({ status: status.value, source: 'signed', receivedAt: now });
  }

  entries(): ReadonlyMap<string, BoardEntry> {
    return this.#entries;
  }

  statuses(): ReadonlyMap<string, HospitalStatus> {
    return new Map([...this.#entries].map(([id, e]) => [id, e.status]));
  }

  rejectedCount(): number {
    return [...this.#rejected.values()].reduce((s, n) => s + n, 0);
  }
}
