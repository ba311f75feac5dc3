import fc from 'fast-check';
import * as v from 'valibot';

/**
 * A submitted string the test can recognise wherever it lands: `MARK` plus at least six letters, then
 * anything. `submitted` swaps each `MARK` for a marker unique to the run, so a value accepted and shown
 * on a later page (a status note, a call sign) never reads as an echo in another run.
 */
const MARK = '\u0001';
export const marked: fc.Arbitrary<string> = fc
  .tuple(fc.stringMatching(/^[a-z]{6,12}$/), fc.string({ maxLength: 6 }))
  .map(([core, tail]) => `${MARK}${core}${tail}`);

type Node = v.GenericSchema & {
  readonly type: string;
  readonly pipe?: readonly { readonly type: string; readonly requirement?: unknown }[];
  readonly entries?: Readonly<Record<string, Node>>;
  readonly options?: readonly unknown[];
  readonly wrapped?: Node;
  readonly literal?: unknown;
};

/** Known-good values by field name, so the fuzz also reaches the handlers behind validation. */
export type Hints = Readonly<Record<string, readonly string[]>>;

const withHints = (
  name: string | undefined,
  hints: Hints,
  arb: fc.Arbitrary<unknown>,
): fc.Arbitrary<unknown> => {
  const known = name === undefined ? undefined : hints[name];
  return known === undefined || known.length === 0 ? arb : fc.oneof(arb, fc.constantFrom(...known));
};

/**
 * Values in the shape the schema wants; unless `clean`, each field's value is sometimes swapped for a
 * marked string (clean runs get past validation into the handlers; free text is marked either way).
 */
export const shaped = (
  input: v.GenericSchema,
  hints: Hints,
  clean: boolean,
  name?: string,
): fc.Arbitrary<unknown> => {
  const schema = input as Node;
  switch (schema.type) {
    case 'object':
    case 'loose_object':
    case 'strict_object': {
      const entries = Object.entries(schema.entries ?? {});
      return fc
        .tuple(
          fc.record(Object.fromEntries(entries.map(([k, s]) => [k, fromSchema(s, hints, clean, k)])), {
            // Clean runs leave out only what may be left out; the others drop anything.
            requiredKeys: clean ? entries.filter(([, s]) => s.type !== 'optional').map(([k]) => k) : [],
          }),
          clean ? fc.constant({}) : fc.dictionary(marked, marked, { maxKeys: 2 }),
        )
        .map(([known, extra]) => ({ ...extra, ...known }));
    }
    case 'variant':
    case 'union':
      return fc.oneof(...(schema.options as Node[]).map((o) => shaped(o, hints, clean, name)));
    case 'optional':
      return shaped(schema.wrapped as Node, hints, clean, name);
    case 'picklist':
      return fc.constantFrom(...(schema.options as string[]));
    case 'literal':
      return fc.constant(schema.literal);
    case 'string': {
      const regex = schema.pipe?.find((a) => a.type === 'regex')?.requirement;
      const max = schema.pipe?.find((a) => a.type === 'max_length')?.requirement;
      // A field too short for a probe (a 4-character 枝番) gets short text: filtering probes by the
      // schema would never pass, and a value that short could not be recognised as a probe anyway.
      const short = typeof max === 'number' && max < 13 ? fc.string({ maxLength: max }) : undefined;
      const text = regex instanceof RegExp ? fc.stringMatching(regex) : (short ?? marked);
      // The regex alone does not bound a number (`loadPercent` ≤ 100): the schema has the last word.
      return clean ? text.filter((s) => v.is(input, s)) : text;
    }
    default:
      return marked;
  }
};

const fromSchema = (schema: Node, hints: Hints, clean: boolean, name: string): fc.Arbitrary<unknown> => {
  const valid = withHints(name, hints, shaped(schema, hints, clean, name));
  return clean ? valid : fc.oneof(valid, marked);
};

/** The run's copy of a generated value: every mark made unique; `probes` collects what to look for. */
export const submitted = <T>(value: T, next: () => number, probes: string[]): T => {
  const swap = (s: string): string =>
    s.replaceAll(new RegExp(`${MARK}([a-z]{6})`, 'g'), (_, core: string) => {
      const probe = `zqx${next()}k${core}`;
      probes.push(probe);
      return probe;
    });
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') return swap(x);
    if (Array.isArray(x)) return x.map(walk);
    if (x !== null && typeof x === 'object')
      return Object.fromEntries(Object.entries(x).map(([k, val]) => [swap(k), walk(val)]));
    return x;
  };
  return walk(value) as T;
};
