// Extracts the slice of Microsoft Graph's v1.0 CSDL that the emulator returns into a small JSON file that the
// emulator's conformance tests validate every response against. A fresh clone has no copy of the 3.5 MB CSDL, so
// the extract is committed: run this only when the emulator starts returning a new type.
//
//   npx tsx scripts/extract-graph-metadata.ts [path/to/v1.0-cleanMetadata.xml]
//
// The CSDL is regular (one element per line, attributes in double quotes), so a purpose-built line reader is enough;
// it fails loudly on anything it does not understand rather than guessing.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const defaultSource = resolve(repoRoot, '../shared/graph-metadata/v1.0-cleanMetadata.xml');
const target = resolve(repoRoot, 'test/fixtures/graph-metadata/v1.0-subset.json');

/** The types the emulator serializes; everything they reference structurally is pulled in too. */
const rootTypes = [
  'user',
  'group',
  'domain',
  'directoryObject',
  'application',
  'servicePrincipal',
  'appRoleAssignment',
  'accessPackageCatalog',
  'accessPackageResource',
  'accessPackageResourceRole',
  'accessPackageResourceScope',
  'accessPackageResourceRoleScope',
  'accessPackageResourceRequest',
  'accessPackage',
  'accessPackageAssignmentPolicy',
  'accessPackageAssignmentRequest',
  'accessPackageAssignment',
  'accessPackageSubject',
  'singleUser',
  'groupMembers',
];

interface RawProperty {
  name: string;
  type: string;
  nullable: boolean;
}
interface RawType {
  kind: 'entity' | 'complex';
  name: string;
  baseType?: string;
  abstract: boolean;
  properties: RawProperty[];
  navigation: RawProperty[];
}

export interface ExtractedProperty {
  type: string;
  collection: boolean;
  nullable: boolean;
}
export interface ExtractedStructuredType {
  kind: 'entity' | 'complex';
  abstract: boolean;
  /** Ancestors, nearest first (without the `graph.` alias). */
  baseTypes: string[];
  /** Types deriving from this one (transitively), for `@odata.type` checks on abstract complex types. */
  derivedTypes: string[];
  properties: Record<string, ExtractedProperty>;
  navigation: Record<string, ExtractedProperty>;
}
export interface GraphMetadataSubset {
  source: string;
  enums: Record<string, { members: string[] }>;
  types: Record<string, ExtractedStructuredType>;
}

function attr(line: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(line);
  return match?.[1];
}

function parse(xml: string): { types: Map<string, RawType>; enums: Map<string, string[]> } {
  const types = new Map<string, RawType>();
  const enums = new Map<string, string[]>();
  let currentType: RawType | undefined;
  let currentEnum: string[] | undefined;
  let inGraphSchema = false;
  for (const rawLine of xml.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line.startsWith('<Schema ')) inGraphSchema = attr(line, 'Namespace') === 'microsoft.graph';
    if (!inGraphSchema) continue;
    if (line.startsWith('<EnumType ')) {
      currentEnum = [];
      enums.set(required(attr(line, 'Name'), line), currentEnum);
      if (line.endsWith('/>')) currentEnum = undefined;
    } else if (line.startsWith('</EnumType>')) {
      currentEnum = undefined;
    } else if (line.startsWith('<Member ') && currentEnum) {
      currentEnum.push(required(attr(line, 'Name'), line));
    } else if (line.startsWith('<EntityType ') || line.startsWith('<ComplexType ')) {
      const baseType = attr(line, 'BaseType')?.replace(/^graph\./, '');
      currentType = {
        kind: line.startsWith('<EntityType ') ? 'entity' : 'complex',
        name: required(attr(line, 'Name'), line),
        abstract: attr(line, 'Abstract') === 'true',
        properties: [],
        navigation: [],
        ...(baseType ? { baseType } : {}),
      };
      types.set(currentType.name, currentType);
      if (line.endsWith('/>')) currentType = undefined;
    } else if (line.startsWith('</EntityType>') || line.startsWith('</ComplexType>')) {
      currentType = undefined;
    } else if (currentType && (line.startsWith('<Property ') || line.startsWith('<NavigationProperty '))) {
      const property = {
        name: required(attr(line, 'Name'), line),
        type: required(attr(line, 'Type'), line),
        nullable: attr(line, 'Nullable') !== 'false',
      };
      (line.startsWith('<Property ') ? currentType.properties : currentType.navigation).push(property);
    }
  }
  return { types, enums };
}

function required(value: string | undefined, line: string): string {
  if (value === undefined) throw new Error(`Unexpected CSDL line (missing attribute): ${line}`);
  return value;
}

function splitType(type: string): { name: string; collection: boolean } {
  const collection = type.startsWith('Collection(');
  const inner = collection ? type.slice('Collection('.length, -1) : type;
  return { name: inner.replace(/^graph\./, ''), collection };
}

function extract(xml: string, source: string): GraphMetadataSubset {
  const { types, enums } = parse(xml);
  const wantedTypes = new Set<string>();
  const wantedEnums = new Set<string>();
  const queue = [...rootTypes];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (wantedTypes.has(name)) continue;
    const type = types.get(name);
    if (!type) throw new Error(`Type ${name} is not in the CSDL`);
    wantedTypes.add(name);
    if (type.baseType) queue.push(type.baseType);
    for (const property of type.properties) {
      const { name: inner } = splitType(property.type);
      if (inner.startsWith('Edm.')) continue;
      if (enums.has(inner)) wantedEnums.add(inner);
      else queue.push(inner);
    }
    // Derived complex types matter for abstract ones such as subjectSet (singleUser, groupMembers, …).
    if (type.kind === 'complex' && type.abstract) {
      for (const candidate of types.values()) if (candidate.baseType === name) queue.push(candidate.name);
    }
  }

  const ancestors = (name: string): string[] => {
    const chain: string[] = [];
    for (let base = types.get(name)?.baseType; base; base = types.get(base)?.baseType) chain.push(base);
    return chain;
  };
  const result: GraphMetadataSubset = { source, enums: {}, types: {} };
  for (const name of [...wantedEnums].sort()) result.enums[name] = { members: enums.get(name)! };
  for (const name of [...wantedTypes].sort()) {
    const chain = [name, ...ancestors(name)].map((n) => types.get(n)!);
    const properties: Record<string, ExtractedProperty> = {};
    const navigation: Record<string, ExtractedProperty> = {};
    for (const type of chain.reverse()) {
      for (const p of type.properties)
        properties[p.name] = {
          type: splitType(p.type).name,
          collection: splitType(p.type).collection,
          nullable: p.nullable,
        };
      for (const p of type.navigation)
        navigation[p.name] = {
          type: splitType(p.type).name,
          collection: splitType(p.type).collection,
          nullable: p.nullable,
        };
    }
    const derivedTypes = [...types.values()]
      .filter((candidate) => ancestors(candidate.name).includes(name) && wantedTypes.has(candidate.name))
      .map((candidate) => candidate.name)
      .sort();
    result.types[name] = {
      kind: types.get(name)!.kind,
      abstract: types.get(name)!.abstract,
      baseTypes: ancestors(name),
      derivedTypes,
      properties,
      navigation,
    };
  }
  return result;
}

function main(): void {
  const sourcePath = resolve(process.argv[2] ?? defaultSource);
  let xml: string;
  try {
    xml = readFileSync(sourcePath, 'utf8');
  } catch (error) {
    console.error(`Cannot read the Graph CSDL at ${sourcePath}: ${(error as Error).message}`);
    process.exit(1);
  }
  const subset = extract(xml, 'microsoftgraph/msgraph-metadata clean_v10_metadata/cleanMetadata.xml');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(subset, null, 1)}\n`);
  console.log(
    `Wrote ${Object.keys(subset.types).length} types and ${Object.keys(subset.enums).length} enums to ${target}`,
  );
}

main();
