export type CheckState = { readonly ready: true } | { readonly ready: false; readonly reason: string };

export interface ReadinessCheck {
  /** Short, fixed name: `broker`, `keys`, `reader`, … */
  readonly name: string;
  check(): CheckState;
}

/** The parts a role runs register what they need to be ready; /readyz reports them all. */
export class Readiness {
  readonly #checks: ReadinessCheck[] = [];

  add(check: ReadinessCheck): void {
    this.#checks.push(check);
  }

  report(): { readonly ready: boolean; readonly checks: Readonly<Record<string, CheckState>> } {
    const checks: Record<string, CheckState> = {};
    for (const c of this.#checks) checks[c.name] = c.check();
    return { ready: Object.values(checks).every((s) => s.ready), checks };
  }
}
