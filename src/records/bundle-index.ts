import * as v from 'valibot';
import { BundleEntry } from './fhir.js';

export interface IndexedResource {
  readonly resourceType: string;
  readonly resource: Readonly<Record<string, unknown>>;
}

/**
 * The resources of a Bundle, findable by reference. Bundle.entry.fullUrl is what `urn:uuid:` references
 * resolve against (FHIR R4 §2.36.4.1); `Type/id` references resolve by resource type and id.
 */
export class BundleIndex {
  readonly resources: readonly IndexedResource[];
  readonly #byUrl = new Map<string, IndexedResource>();

  constructor(entries: readonly unknown[]) {
    const resources: IndexedResource[] = [];
    for (const raw of entries) {
      const parsed = v.safeParse(BundleEntry, raw);
      if (!parsed.success || parsed.output.resource === undefined) continue;
      const resource = parsed.output.resource;
      const indexed: IndexedResource = { resourceType: resource.resourceType, resource };
      resources.push(indexed);
      if (parsed.output.fullUrl !== undefined) this.#byUrl.set(parsed.output.fullUrl, indexed);
      if (resource.id !== undefined) this.#byUrl.set(`${resource.resourceType}/${resource.id}`, indexed);
    }
    this.resources = resources;
  }

  /** The resource a Reference.reference points to, if it is in the Bundle. */
  resolve(reference: string | undefined): IndexedResource | undefined {
    if (reference === undefined) return undefined;
    const direct = this.#byUrl.get(reference);
    if (direct !== undefined) return direct;
    // An absolute URL whose tail is Type/id (e.g. https://server/fhir/Patient/1).
    const tail = /([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})$/.exec(reference)?.[1];
    return tail === undefined ? undefined : this.#byUrl.get(tail);
  }

  ofType(types: readonly string[]): readonly IndexedResource[] {
    return this.resources.filter((r) => types.includes(r.resourceType));
  }
}
