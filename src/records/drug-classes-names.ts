/**
 * Drug-name normalisation for matching names against the MHLW price list: NFKC (full-width
 * ５ｍｇ → 5mg, half-width katakana → full-width), no white space, upper-case Latin letters, one kind
 * of hyphen and of corner brackets. Nothing that distinguishes two products is dropped (strength and
 * form stay), so a normalised name matches exactly or not at all.
 */
const step = (name: string): string =>
  name
    .toUpperCase()
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[‐‑‒–—―−]/g, '-')
    .replace(/[『［[]/g, '「')
    .replace(/[』］\]]/g, '」');

/**
 * One pass is not always stable (NFKC can yield a space before a combining mark, upper-casing can yield
 * a compatibility character), so the steps repeat until the name no longer changes (idempotent).
 */
export const normaliseDrugName = (name: string): string => {
  let current = name;
  // Bounded: a pass only removes characters or maps them to canonical ones, so this settles in 2–3.
  for (let pass = 0; pass < 8; pass += 1) {
    const next = step(current);
    if (next === current) break;
    current = next;
  }
  return current;
};

/** 【般】 marks a 一般名処方 (prescription by generic name) on prescriptions and お薬手帳. */
const GENERAL_NAME_MARK = /^【般】/;
/** The maker suffix of a generic product name: アムロジピン錠5mg「サワイ」, …散1%〈ハチ〉, アスピリン(山善). */
const MAKER_SUFFIX = /(「[^「」]*」|〈[^〈〉]*〉|\([^()]*\))$/;

/**
 * The keys a name is matched under: the normalised name, and the name without 【般】 and without the
 * maker suffix (which then stands for every maker's product of that name and strength).
 */
export const drugNameKeys = (name: string): readonly string[] => {
  const full = normaliseDrugName(name).replace(GENERAL_NAME_MARK, '');
  const bare = full.replace(MAKER_SUFFIX, '');
  return bare === full ? [full] : [full, bare];
};
