import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSummary, parseSummaryBytes } from '../../src/records/index.js';
import { sharedPresent, sharedText } from '../support/shared-fixtures.js';
import { summaryProblems } from '../support/summary-invariants.js';

const fixtureText = sharedPresent ? sharedText('ips', 'hl7-ips-bundle-minimal.json') : '{}';
const fixture = JSON.parse(fixtureText) as unknown;
const parseIpsBundle = (input: unknown) => parseSummary([input], { asOf: new Date('2026-04-01') });
const parseIpsBytes = (bytes: Uint8Array) => parseSummaryBytes([bytes], { asOf: new Date('2026-04-01') });

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path into a JSON value. */
const paths = (value: Json, prefix: (string | number)[] = []): (string | number)[][] => {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Array.isArray(value)
    ? value.flatMap((v, i) => paths(v, [...prefix, i]))
    : Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]));
  return [prefix, ...children];
};

type Mutation = { kind: 'delete' | 'replace'; pick: number; with: Json };

const mutate = (root: Json, m: Mutation): Json => {
  const copy = structuredClone(root);
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[m.pick % all.length] as (string | number)[];
  let parent: Json = copy;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key] as Json;
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(parent) && typeof last === 'number') {
    if (m.kind === 'delete') parent.splice(last, 1);
    else parent[last] = m.with;
  } else if (parent !== null && typeof parent === 'object') {
    const obj = parent as Record<string, Json>;
    if (m.kind === 'delete') delete obj[last as string];
    else obj[last as string] = m.with;
  }
  return copy;
};

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'replace'),
  pick: fc.nat(),
  with: fc.jsonValue() as fc.Arbitrary<Json>,
});

describe('the summary parser under fuzzing', () => {
  it('never throws on arbitrary JSON values, and every section has a status', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(summaryProblems(parseIpsBundle(value))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        expect(summaryProblems(parseIpsBytes(bytes))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it.skipIf(!sharedPresent)(
    'mutations of the HL7 example (deletes and replacements anywhere) never crash or empty a section silently',
    () => {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
          const mutated = mutations.reduce((b, m) => mutate(b, m), fixture as Json);
          expect(summaryProblems(parseIpsBundle(mutated))).toEqual([]);
        }),
        { numRuns: 800 },
      );
    },
  );

  it.skipIf(!sharedPresent)('a truncated byte stream of the example never crashes', () => {
    fc.assert(
      fc.property(fc.nat({ max: fixtureText.length }), (cut) => {
        expect(summaryProblems(parseIpsBytes(new TextEncoder().encode(fixtureText.slice(0, cut))))).toEqual(
          [],
        );
      }),
      { numRuns: 200 },
    );
  });
});
