// @peculiar/x509 resolves its ASN.1 helpers through tsyringe, which insists on the Reflect metadata API
// (normally from the `reflect-metadata` package). This installs the few functions tsyringe calls — only when
// absent — so the emulator needs no extra dependency. Import it before @peculiar/x509.

type MetadataMap = Map<unknown, unknown>;
const store = new WeakMap<object, Map<PropertyKey | undefined, MetadataMap>>();

function own(target: object, property: PropertyKey | undefined, create: boolean): MetadataMap | undefined {
  let byProperty = store.get(target);
  if (!byProperty && create) store.set(target, (byProperty = new Map<PropertyKey | undefined, MetadataMap>()));
  let map = byProperty?.get(property);
  if (!map && create && byProperty) byProperty.set(property, (map = new Map()));
  return map;
}

interface ReflectMetadataApi {
  defineMetadata(key: unknown, value: unknown, target: object, property?: PropertyKey): void;
  getOwnMetadata(key: unknown, target: object, property?: PropertyKey): unknown;
  getMetadata(key: unknown, target: object, property?: PropertyKey): unknown;
  metadata(key: unknown, value: unknown): (target: object, property?: PropertyKey) => void;
}

const reflect = Reflect as unknown as Partial<ReflectMetadataApi>;
if (typeof reflect.getMetadata !== 'function') {
  const api: ReflectMetadataApi = {
    defineMetadata: (key, value, target, property) => void own(target, property, true)!.set(key, value),
    getOwnMetadata: (key, target, property) => own(target, property, false)?.get(key),
    getMetadata(key, target, property) {
      for (let current: object | null = target; current; current = Object.getPrototypeOf(current) as object | null) {
        const map = own(current, property, false);
        if (map?.has(key)) return map.get(key);
      }
      return undefined;
    },
    metadata: (key, value) => (target, property) => api.defineMetadata(key, value, target, property),
  };
  Object.assign(Reflect, api);
}
