import * as v from 'valibot';

export interface IndexedResource {
  readonly resourceType: string;
  readonly resource: Readonly<Record<string, unknown>>;
  readonly fullUrl?: string | undefined;
}

type RawResource = Readonly<Record<string, unknown>> & { readonly resourceType: string };

/** The resource is kept as received (the readers parse it by type), not copied: only its type is checked. */
const Entry = v.object({
  fullUrl: v.fallback(v.optional(v.string()), undefined),
  resource: v.custom<RawResource>(
    (r) =>
      typeof r === 'object' &&
      r !== null &&
      typeof (r as { resourceType?: unknown }).resourceType === 'string' &&
      (r as { resourceType: string }).resourceType !== '',
  ),
});

/**
 * The resources of a Bundle, findable by reference. Bundle.entry.fullUrl is what `urn:uuid:` references
 * resolve against (FHIR R4 §2.36.4.1); `Type/id` references resolve by resource type and id. An entry
 * without a resource type cannot be placed in any section: it is counted in `unplaceable`.
 */
export class BundleIndex {
  readonly resources: readonly IndexedResource[];
  readonly unplaceable: number;
  readonly #byUrl = new Map<string, IndexedResource>();

  constructor(entries: readonly unknown[]) {
    const resources: IndexedResource[] = [];
    let unplaceable = 0;
    for (const raw of entries) {
      const parsed = v.safeParse(Entry, raw);
      if (!parsed.success) {
        unplaceable += 1;
        continue;
      }
      const resource = parsed.output.resource;
      const indexed: IndexedResource = {
        resourceType: resource.resourceType,
        resource,
        fullUrl: parsed.output.fullUrl,
      };
      resources.push(indexed);
      if (parsed.output.fullUrl !== undefined) this.#byUrl.set(parsed.output.fullUrl, indexed);
      const id = resource['id'];
      if (typeof id === 'string') this.#byUrl.set(`${resource.resourceType}/${id}`, indexed);
    }
    this.resources = resources;
    this.unplaceable = unplaceable;
  }

  /** The resource a Reference.reference points to, if it is in the Bundle. */
  resolve(reference: string | undefined): IndexedResource | undefined {
    if (reference === undefined) return undefined;
    const direct = this.#byUrl.get(reference);
    if (direct !== undefined) return direct;
    // An absolute URL whose tail is Type/id (e.g. https://server/fhir/Patient/1), or a versioned one.
    const tail = /([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(reference)?.[1];
    return tail === undefined ? undefined : this.#byUrl.get(tail);
  }

  ofType(types: readonly string[]): readonly IndexedResource[] {
    return this.resources.filter((r) => types.includes(r.resourceType));
  }
}
