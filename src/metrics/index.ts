import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per role, so the demo can run several roles in one process. Label values must be
 * bounded, opaque vocabulary (outcome codes, role names): never patient data or free text.
 */
export class Metrics {
  readonly #registry = new Registry();

  constructor(defaultLabels: Readonly<Record<string, string>> = {}, withProcessMetrics = true) {
    this.#registry.setDefaultLabels({ ...defaultLabels });
    if (withProcessMetrics) collectDefaultMetrics({ register: this.#registry, prefix: 'ems_' });
  }

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.#registry] });
  }

  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.#registry] });
  }

  histogram<L extends string = never>(
    name: string,
    help: string,
    buckets: readonly number[],
    labelNames: readonly L[] = [],
  ): Histogram<L> {
    return new Histogram({ name, help, buckets: [...buckets], labelNames, registers: [this.#registry] });
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  text(): Promise<string> {
    return this.#registry.metrics();
  }
}
