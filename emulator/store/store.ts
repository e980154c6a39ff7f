// The state store behind the emulator (the Azurite way: handlers see an interface, not a file). Reads go through
// `state`; every change goes through `mutate`, which lets a persistent store write the new state before the
// response is sent, so an acknowledged write survives a crash.

import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './files.js';
import type { EmulatorState } from './state.js';

export interface StateStore {
  readonly state: EmulatorState;
  mutate<T>(change: (state: EmulatorState) => T): T;
  replace(state: EmulatorState): void;
  /** Where the state persists, if anywhere. */
  readonly dataFile: string | undefined;
}

export class MemoryStateStore implements StateStore {
  readonly dataFile: string | undefined = undefined;
  constructor(protected current: EmulatorState) {}

  get state(): EmulatorState {
    return this.current;
  }

  mutate<T>(change: (state: EmulatorState) => T): T {
    const result = change(this.current);
    this.persist();
    return result;
  }

  replace(state: EmulatorState): void {
    this.current = state;
    this.persist();
  }

  protected persist(): void {}
}

export class DataFileError extends Error {
  override readonly name = 'DataFileError';
}

/** Persists all state to one JSON file, rewritten atomically (temp file + rename) after each mutation. */
export class FileStateStore extends MemoryStateStore {
  override readonly dataFile: string;

  private constructor(path: string, state: EmulatorState) {
    super(state);
    this.dataFile = path;
  }

  /** Loads the file, or seeds it when absent. A file that cannot be read or is not emulator state is refused and left untouched. */
  static open(path: string, seed: () => EmulatorState): FileStateStore {
    if (!existsSync(path)) {
      const store = new FileStateStore(path, seed());
      store.persist();
      return store;
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new DataFileError(
        `Cannot read the emulator data file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. The file was left untouched.`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new DataFileError(
        `The emulator data file ${path} is not valid JSON (corrupt or truncated); refusing to start. The file was left untouched: move it aside or delete it.`,
      );
    }
    const problem = describeInvalidState(parsed);
    if (problem) {
      throw new DataFileError(
        `The emulator data file ${path} is not emulator state (${problem}); refusing to start. The file was left untouched: move it aside or delete it.`,
      );
    }
    return new FileStateStore(path, withLaterCollections(parsed as EmulatorState, seed));
  }

  protected override persist(): void {
    writeFileAtomic(this.dataFile, JSON.stringify(this.state), 0o600);
  }
}

const collections = [
  'users',
  'groups',
  'domains',
  'catalogs',
  'resources',
  'resourceRoles',
  'resourceScopes',
  'resourceRequests',
  'accessPackages',
  'roleScopes',
  'policies',
  'assignmentRequests',
  'assignments',
  'deliveryFaults',
  'appCertificates',
] as const;

/** Collections added after the format's first release: a file written before them gets the seeded ones. */
const laterCollections = ['applications', 'servicePrincipals', 'sites'] as const;

function withLaterCollections(state: EmulatorState, seed: () => EmulatorState): EmulatorState {
  const missing = laterCollections.filter((name) => !Array.isArray(state[name]));
  if (missing.length === 0) return state;
  const seeded = seed();
  return { ...state, ...Object.fromEntries(missing.map((name) => [name, seeded[name]])) };
}

function describeInvalidState(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const state = value as Record<string, unknown>;
  if (state.format !== 'entra-saga-emulator-state') return 'missing format marker';
  if (state.version !== 1) return `unsupported version ${String(state.version)}`;
  if (typeof state.clockOffsetMs !== 'number') return 'clockOffsetMs is not a number';
  if (typeof state.directMembers !== 'object' || state.directMembers === null) return 'directMembers is missing';
  for (const name of collections) if (!Array.isArray(state[name])) return `${name} is not a list`;
  for (const name of laterCollections)
    if (state[name] !== undefined && !Array.isArray(state[name])) return `${name} is not a list`;
  return undefined;
}
