// Validates JSON the emulator returns against the committed v1.0 CSDL subsets (the project's extract, plus this
// folder's supplement for approvals): no property the type lacks
// (navigation properties only when the test expanded them), JSON types and enum values from the CSDL, and GUID
// ids. Returns the list of problems so a failing test shows all of them at once.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface PropertyInfo {
  type: string;
  collection: boolean;
  nullable: boolean;
}
interface TypeInfo {
  kind: 'entity' | 'complex';
  abstract: boolean;
  baseTypes: string[];
  derivedTypes: string[];
  properties: Record<string, PropertyInfo>;
  navigation: Record<string, PropertyInfo>;
}
interface Metadata {
  enums: Record<string, { members: string[] }>;
  types: Record<string, TypeInfo>;
}

const readMetadata = (path: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8')) as Metadata;
const base = readMetadata('../../fixtures/graph-metadata/v1.0-subset.json');
/** approval, approvalStage and identity, extracted the same way (csdl-conformance.test.ts checks it against the CSDL). */
export const approvalsSupplement = readMetadata('../fixtures/graph-metadata-approvals.json');
const metadata: Metadata = {
  enums: { ...base.enums, ...approvalsSupplement.enums },
  types: { ...base.types, ...approvalsSupplement.types },
};

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const dateTimeOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const duration = /^-?P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$|^P\d+W$|^P(\d+Y)?(\d+M)?(\d+D)?(T.*)?$/;

/** Ids that are not GUIDs by design. */
const idRules: Record<string, RegExp> = {
  accessPackageResourceRoleScope: /^[0-9a-f-]{36}_[0-9a-f-]{36}$/,
  /** base64url of the principal's id bytes and 16 more bytes. */
  appRoleAssignment: /^[A-Za-z0-9_-]{43}$/,
  domain: /^[a-z0-9.-]+$/,
};

function typeInfo(name: string): TypeInfo {
  const info = metadata.types[name];
  if (!info) throw new Error(`Type ${name} is not in the CSDL subset`);
  return info;
}

export function enumMembers(name: string): string[] {
  const info = metadata.enums[name];
  if (!info) throw new Error(`Enum ${name} is not in the CSDL subset`);
  // Members after unknownFutureValue appear only with Prefer: include-unknown-enum-members.
  const cut = info.members.indexOf('unknownFutureValue');
  return cut < 0 ? info.members : info.members.slice(0, cut);
}

export function validateEntity(value: unknown, typeName: string, path = typeName): string[] {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
  const record = value as Record<string, unknown>;
  let type = typeInfo(typeName);
  let actualName = typeName;
  const odataType = record['@odata.type'];
  if (typeof odataType === 'string') {
    actualName = odataType.replace(/^#microsoft\.graph\./, '');
    if (actualName !== typeName && !type.derivedTypes.includes(actualName))
      problems.push(`${path}: @odata.type ${odataType} is not ${typeName} or derived from it`);
    type = metadata.types[actualName] ?? type;
  } else if (type.abstract) {
    problems.push(`${path}: abstract type ${typeName} needs @odata.type`);
  }
  for (const [key, child] of Object.entries(record)) {
    if (key.startsWith('@odata.')) continue;
    const property = type.properties[key];
    const navigation = type.navigation[key];
    if (!property && !navigation) {
      problems.push(`${path}.${key}: not a property of ${actualName}`);
      continue;
    }
    const info = (property ?? navigation)!;
    if (child === null) {
      if (!info.nullable && property) problems.push(`${path}.${key}: null, but the property is not nullable`);
      continue;
    }
    if (info.collection) {
      if (!Array.isArray(child)) problems.push(`${path}.${key}: expected a collection`);
      else child.forEach((item, i) => problems.push(...validateValue(item, info.type, `${path}.${key}[${i}]`)));
    } else {
      problems.push(...validateValue(child, info.type, `${path}.${key}`));
    }
  }
  if (type.kind === 'entity' && 'id' in record) {
    const rule = idRules[actualName] ?? guid;
    if (typeof record.id !== 'string' || !rule.test(record.id))
      problems.push(`${path}.id: ${String(record.id)} is not a valid id for ${actualName}`);
  }
  return problems;
}

function validateValue(value: unknown, typeName: string, path: string): string[] {
  switch (typeName) {
    case 'Edm.String':
      return typeof value === 'string' ? [] : [`${path}: expected a string`];
    case 'Edm.Boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'Edm.Int32':
    case 'Edm.Int64':
    case 'Edm.Double':
      return typeof value === 'number' ? [] : [`${path}: expected a number`];
    case 'Edm.Guid':
      return typeof value === 'string' && guid.test(value) ? [] : [`${path}: expected a GUID`];
    case 'Edm.DateTimeOffset':
      return typeof value === 'string' && dateTimeOffset.test(value)
        ? []
        : [`${path}: expected a DateTimeOffset, got ${String(value)}`];
    case 'Edm.Duration':
      return typeof value === 'string' && duration.test(value) ? [] : [`${path}: expected an ISO 8601 duration`];
    case 'Edm.Date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? [] : [`${path}: expected a Date`];
    default:
      if (metadata.enums[typeName]) {
        return typeof value === 'string' && enumMembers(typeName).includes(value)
          ? []
          : [`${path}: ${String(value)} is not a member of ${typeName}`];
      }
      if (typeName.startsWith('Edm.')) return [];
      return validateEntity(value, typeName, path);
  }
}

/** Validates every item of a collection response (and the response envelope). */
export function validateCollection(body: unknown, typeName: string): string[] {
  const record = body as Record<string, unknown>;
  if (!Array.isArray(record.value)) return ['collection: no value array'];
  return record.value.flatMap((item, i) => validateEntity(item, typeName, `${typeName}[${i}]`));
}
