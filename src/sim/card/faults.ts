/** Faults the emulator injects on demand, so tests and demos can show each crew outcome. */
export interface Faults {
  /** The card leaves the field when this APDU (1-based, counted since insertion) arrives. */
  readonly removeAtApdu?: number;
  /** Milliseconds added before every response. */
  readonly latencyMs?: number;
  /** READ BINARY answers one byte fewer than asked, with 9000. */
  readonly wrongLength?: boolean;
  /** EF 000A keeps its DER header and size but its TBSCertificate tag is damaged. */
  readonly corruptCertificate?: boolean;
  /** EF 000A holds a certificate whose validity ended 60 days ago. */
  readonly expiredCertificate?: boolean;
  /** SELECT of the JPKI AP answers 6283 (ISO 7816-4: selected file deactivated), as a suspended card. */
  readonly suspended?: boolean;
  /** The user-auth PIN starts locked (counter 0). */
  readonly lockedPin?: boolean;
  /** The card refuses extended-length READ BINARY with 6700. */
  readonly noExtendedLength?: boolean;
}

export const FAULT_NAMES = [
  'remove-at=N',
  'latency=MS',
  'wrong-length',
  'corrupt-cert',
  'expired-cert',
  'suspended',
  'locked-pin',
  'no-extended',
] as const;

const positiveInt = (raw: string | undefined, name: string): number => {
  const n = Number(raw);
  if (raw === undefined || raw === '' || !Number.isInteger(n) || n < 0)
    throw new RangeError(`${name} needs a non-negative integer`);
  return n;
};

/** Parses `remove-at=5,latency=20,locked-pin` (the card-sim CLI's --faults). */
export const parseFaults = (text: string): Faults => {
  const faults: { -readonly [K in keyof Faults]: Faults[K] } = {};
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const [name, value] = item.split('=', 2);
    switch (name ?? '') {
      case 'remove-at':
        faults.removeAtApdu = positiveInt(value, 'remove-at');
        break;
      case 'latency':
        faults.latencyMs = positiveInt(value, 'latency');
        break;
      case 'wrong-length':
        faults.wrongLength = true;
        break;
      case 'corrupt-cert':
        faults.corruptCertificate = true;
        break;
      case 'expired-cert':
        faults.expiredCertificate = true;
        break;
      case 'suspended':
        faults.suspended = true;
        break;
      case 'locked-pin':
        faults.lockedPin = true;
        break;
      case 'no-extended':
        faults.noExtendedLength = true;
        break;
      default:
        throw new RangeError(`unknown fault '${item}'; known: ${FAULT_NAMES.join(', ')}`);
    }
  }
  return faults;
};
