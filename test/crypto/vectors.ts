import { readFileSync } from 'node:fs';
import { ROOT } from '../support/paths.js';

export interface Party {
  readonly principal: string;
  readonly ed25519Seed: string;
  readonly x25519Secret: string;
  readonly ed25519Public: string;
  readonly x25519Public: string;
  readonly keyId: string;
}

export interface Vectors {
  readonly sender: Party;
  readonly recipient: Party;
  readonly fields: {
    readonly messageId: string;
    readonly kind: string;
    readonly createdAt: number;
    readonly expiresAt: number;
    readonly streamId: string;
    readonly sequence: number;
  };
  readonly bodyHex: string;
  readonly bodyUtf8: string;
  readonly innerHex: string;
  readonly envelopeHex: string;
  readonly openAt: number;
}

/** The test vectors exactly as docs/protocol.md publishes them. */
export const protocolVectors = (): Vectors => {
  const doc = readFileSync(`${ROOT}docs/protocol.md`, 'utf8');
  const match = /<!-- test-vectors:begin -->\s*```json\n([\s\S]*?)```\s*<!-- test-vectors:end -->/.exec(doc);
  if (match?.[1] === undefined) throw new Error('docs/protocol.md has no test-vectors block');
  return JSON.parse(match[1]) as Vectors;
};
