import { randomBytes } from 'node:crypto';
import { err, ok, type Clock, type Result } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import {
  DEFAULT_LOOKUP_LIMIT,
  MAX_CANDIDATES,
  SlidingWindow,
  answerOf,
  candidatesOf,
  checkQuery,
  findMatches,
  frameAnswer,
  lookupInputsDigest,
  lookupSubject,
  queryOf,
  subjectDigest,
  type RateLimit,
  type LookupQuery,
  type RateLimited,
  type RegisteredPerson,
  type WireLookupRequest,
} from '../../records/index.js';
import { register } from './register.js';

export interface LookupDeskOptions {
  readonly seed: number;
  readonly populationSize: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly lookupLimit?: RateLimit | undefined;
}

/** A candidate ref names its person for the unit that asked, this long (the crew confirms within minutes). */
const REF_TTL_MS = 15 * 60_000;
/** Refs kept at most; the oldest go first (a ref that went is "not found", never another person). */
const MAX_REFS = 10_000;

const digits = (s: string): string => s.normalize('NFKC').replace(/[-\s]/g, '');

/** `holder-<index>` → the population holder whose records this service has; a namesake has none here. */
export const holderIndexOf = (personId: string): number | undefined => {
  const m = /^holder-(\d+)$/.exec(personId);
  return m === null ? undefined : Number(m[1]);
};

/**
 * The reference service's card-less lookup (issue 13): matches a query against the register
 * (`src/records/lookup.ts` rules), answers candidates under fresh opaque refs that only the asking
 * unit can use, limits lookups per crew member, and keeps its own audit line of each lookup with the
 * inputs as a keyed hash (a per-instance key: the line cannot be tested against a guessed person).
 */
export class LookupDesk {
  readonly #o: LookupDeskOptions;
  readonly #limit: SlidingWindow;
  readonly #refs = new Map<string, { personId: string; unit: string; until: number }>();
  readonly #auditKey = randomBytes(32);
  /** The register indexed by what every match must share: the birth date, or the insurer number. */
  #index:
    { byBirth: Map<string, RegisteredPerson[]>; byInsurer: Map<string, RegisteredPerson[]> } | undefined;

  constructor(options: LookupDeskOptions) {
    this.#o = options;
    this.#limit = new SlidingWindow(options.lookupLimit ?? DEFAULT_LOOKUP_LIMIT);
  }

  /** The framed answer (binding line + candidates JSON) to seal, or the crew member's limit. */
  answer(r: WireLookupRequest): Result<Uint8Array, RateLimited | 'too-little'> {
    const now = this.#o.clock.now();
    const limited = this.#limit.take(`${r.unit}/${r.crewMember}`, now);
    if (!limited.ok) {
      this.#o.logger.info('lookup refused', {
        unit: r.unit,
        crewMember: r.crewMember,
        reason: 'rate-limited',
      });
      return limited;
    }
    const query = queryOf(r.query);
    // The wire schema bounds each value; the same check as the tablet's says whether it is enough.
    if (!checkQuery(query).ok) return err('too-little');
    const matches = findMatches(query, this.#people(query));
    const shown = matches.slice(0, MAX_CANDIDATES);
    const candidates = candidatesOf(shown, now, (person) => this.#issue(person.id, r.unit, now));
    this.#o.logger.info('lookup served', {
      unit: r.unit,
      crewMember: r.crewMember,
      kind: query.kind,
      inputs: lookupInputsDigest(this.#auditKey, query),
      candidates: candidates.length,
    });
    const body = new TextEncoder().encode(
      JSON.stringify(answerOf(candidates, shown.length === matches.length)),
    );
    return ok(
      frameAnswer(
        { v: 1, requestId: r.requestId, subject: subjectDigest(lookupSubject(query)), unit: r.unit },
        body,
      ),
    );
  }

  /** The person a ref names, if it was issued to `unit` and is still current. */
  resolve(ref: string, unit: string): string | undefined {
    const entry = this.#refs.get(ref);
    if (entry === undefined || entry.unit !== unit || entry.until < this.#o.clock.now()) return undefined;
    return entry.personId;
  }

  #issue(personId: string, unit: string, now: number): string {
    const ref = randomBytes(16).toString('base64url');
    this.#refs.set(ref, { personId, unit, until: now + REF_TTL_MS });
    for (const [k, e] of this.#refs) {
      if (this.#refs.size <= MAX_REFS && e.until >= now) break;
      this.#refs.delete(k);
    }
    return ref;
  }

  /**
   * Who can match at all: those born on the query's date, or holding its insurer number (the rules
   * of `scorePerson` require both), so a lookup reads a handful of entries, not the whole register.
   */
  #people(q: LookupQuery): readonly RegisteredPerson[] {
    if (this.#index === undefined) {
      const byBirth = new Map<string, RegisteredPerson[]>();
      const byInsurer = new Map<string, RegisteredPerson[]>();
      const add = (map: Map<string, RegisteredPerson[]>, key: string, p: RegisteredPerson): void => {
        const list = map.get(key);
        if (list === undefined) map.set(key, [p]);
        else list.push(p);
      };
      for (const p of register(this.#o.seed, this.#o.populationSize)) {
        add(byBirth, p.birthDate, p);
        add(byInsurer, digits(p.insurer.insurerNumber), p);
      }
      this.#index = { byBirth, byInsurer };
    }
    return q.kind === 'four-items'
      ? (this.#index.byBirth.get(q.birthDate) ?? [])
      : (this.#index.byInsurer.get(digits(q.insurerNumber)) ?? []);
  }
}
