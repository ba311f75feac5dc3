/**
 * Status words (SW1 SW2) as typed values, with their ISO/IEC 7816-4 meanings (§5.1.3, table 5–6) and
 * the JPKI uses recorded in jpki.md §2. Callers switch on `kind`, never on raw numbers.
 */
export type StatusWord =
  | { readonly kind: 'success' } // 9000
  | { readonly kind: 'more-data'; readonly available: number } // 61xx: GET RESPONSE with Le = xx
  | { readonly kind: 'end-of-file' } // 6282: end of file reached before Le bytes
  | { readonly kind: 'file-deactivated' } // 6283: selected file deactivated
  | { readonly kind: 'tries-left'; readonly tries: number } // 63Cx: counter, x tries left (JPKI VERIFY)
  | { readonly kind: 'wrong-length' } // 6700
  | { readonly kind: 'security-not-satisfied' } // 6982: e.g. sign or read EF 0001 without a PIN
  | { readonly kind: 'auth-blocked' } // 6983: authentication method blocked
  | { readonly kind: 'reference-data-unusable' } // 6984: JPKI answer to VERIFY on a locked PIN
  | { readonly kind: 'conditions-not-satisfied' } // 6985
  | { readonly kind: 'function-not-supported' } // 6A81
  | { readonly kind: 'file-not-found' } // 6A82: unknown AID or EF
  | { readonly kind: 'wrong-p1p2' } // 6A86
  | { readonly kind: 'offset-out-of-range' } // 6B00: READ BINARY offset outside the EF (JICSAP EOF)
  | { readonly kind: 'wrong-le'; readonly exact: number } // 6Cxx: resend with Le = xx
  | { readonly kind: 'ins-not-supported' } // 6D00
  | { readonly kind: 'cla-not-supported' } // 6E00
  | { readonly kind: 'other'; readonly sw: number };

export const statusWord = (sw1: number, sw2: number): StatusWord => {
  const sw = ((sw1 & 0xff) << 8) | (sw2 & 0xff);
  if (sw1 === 0x90 && sw2 === 0x00) return { kind: 'success' };
  if (sw1 === 0x61) return { kind: 'more-data', available: sw2 === 0 ? 256 : sw2 };
  if (sw1 === 0x6c) return { kind: 'wrong-le', exact: sw2 === 0 ? 256 : sw2 };
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) return { kind: 'tries-left', tries: sw2 & 0x0f };
  switch (sw) {
    case 0x6282:
      return { kind: 'end-of-file' };
    case 0x6283:
      return { kind: 'file-deactivated' };
    case 0x6700:
      return { kind: 'wrong-length' };
    case 0x6982:
      return { kind: 'security-not-satisfied' };
    case 0x6983:
      return { kind: 'auth-blocked' };
    case 0x6984:
      return { kind: 'reference-data-unusable' };
    case 0x6985:
      return { kind: 'conditions-not-satisfied' };
    case 0x6a81:
      return { kind: 'function-not-supported' };
    case 0x6a82:
      return { kind: 'file-not-found' };
    case 0x6a86:
      return { kind: 'wrong-p1p2' };
    case 0x6b00:
      return { kind: 'offset-out-of-range' };
    case 0x6d00:
      return { kind: 'ins-not-supported' };
    case 0x6e00:
      return { kind: 'cla-not-supported' };
    default:
      return { kind: 'other', sw };
  }
};

/** Four hex digits, for error messages and logs (status words never carry patient data). */
export const formatStatus = (sw1: number, sw2: number): string =>
  (((sw1 & 0xff) << 8) | (sw2 & 0xff)).toString(16).toUpperCase().padStart(4, '0');
