/**
 * Drug-name normalisation for matching names against the MHLW price list: NFKC (full-width
 * ５ｍｇ → 5mg, half-width katakana → full-width), no white space, upper-case Latin letters, one kind
 * of hyphen and of corner brackets. Nothing that distinguishes two products is dropped (strength, form
 * and the maker suffix 「…」 stay), so a normalised name matches exactly or not at all.
 */
export const normaliseDrugName = (name: string): string =>
  name
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[‐‑‒–—―−]/g, '-')
    .replace(/[『［[]/g, '「')
    .replace(/[』］\]]/g, '」')
    .toUpperCase();
