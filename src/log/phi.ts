import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A value that holds patient data (PHI). Every way a value can become text — JSON, string
 * conversion, template literals, util.inspect — yields `[redacted]`; only `reveal()` gives the
 * value, so leaking it takes a deliberate call that shows up in review.
 */
export class Phi<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export const phi = <T>(value: T): Phi<T> => new Phi(value);

export const isPhi = (value: unknown): value is Phi<unknown> => value instanceof Phi;

export { REDACTED };
