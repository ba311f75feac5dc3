import type * as v from 'valibot';

/**
 * What is wrong with one field, without the submitted value: a status note or an inquiry may hold
 * free text, and a rejected message must never echo it back into a log or a reply.
 */
export const PROBLEM = {
  missing: 'missing',
  wrongType: 'wrongType',
  outOfRange: 'outOfRange',
  invalidFormat: 'invalidFormat',
  invalidValue: 'invalidValue',
} as const;
export type ProblemCode = (typeof PROBLEM)[keyof typeof PROBLEM];

export interface FieldProblem {
  /** Dotted path of the field, e.g. `beds.icuFree`; empty for the message as a whole. */
  readonly path: string;
  readonly code: ProblemCode;
}

const TYPE_CHECKS = new Set(['object', 'boolean', 'number', 'string', 'array', 'record', 'variant']);
const RANGE_CHECKS = new Set(['min_value', 'max_value', 'integer', 'max_length', 'min_length', 'finite']);
const FORMAT_CHECKS = new Set(['regex', 'iso_timestamp']);

const codeOf = (issue: v.BaseIssue<unknown>): ProblemCode => {
  if (TYPE_CHECKS.has(issue.type)) return issue.input === undefined ? PROBLEM.missing : PROBLEM.wrongType;
  if (RANGE_CHECKS.has(issue.type)) return PROBLEM.outOfRange;
  if (FORMAT_CHECKS.has(issue.type)) return PROBLEM.invalidFormat;
  return PROBLEM.invalidValue;
};

const pathOf = (issue: v.BaseIssue<unknown>): string =>
  (issue.path ?? []).map((item) => String(item.key)).join('.');

/** Every problem valibot found, one per field, in a stable order (by path). */
export const fieldProblems = (issues: readonly v.BaseIssue<unknown>[]): readonly FieldProblem[] => {
  const seen = new Map<string, FieldProblem>();
  for (const issue of issues) {
    const path = pathOf(issue);
    if (!seen.has(path)) seen.set(path, { path, code: codeOf(issue) });
  }
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};
