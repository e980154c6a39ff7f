// The compensation stack. Each step that may leave something behind registers its object *before* it runs; when
// the step reports, the object gets its id and whether this run created it or adopted it. Unwinding undoes only what
// this run created, in dependency order, and keeps going past a failed undo, recording every outcome.

import type { ObjectKind, ObjectRecord, UndoRecord } from '../common/provisioning.js';

export interface TrackedObject {
  kind: ObjectKind;
  name: string;
  /** Workflow time just before the step was scheduled: an object found later by its key and created after this
   * moment is this run's, even if the step never reported. */
  since: string;
  /** Filled in when the step reports. */
  record?: ObjectRecord;
}

/** Undo order: each kind must be gone before the kinds after it can be removed. */
export const undoOrder: readonly ObjectKind[] = [
  'assignment',
  'assignmentPolicy',
  'roleScope',
  'accessPackage',
  'catalogResource',
  'group',
  'user',
];

/** Kinds whose undos do not depend on each other and run side by side. */
const parallelTail: readonly ObjectKind[] = ['group', 'user'];

export type UndoFunction = (object: TrackedObject) => Promise<UndoRecord>;

export class Saga {
  readonly #objects: TrackedObject[] = [];

  /** Registers the object a step is about to make, before the step runs. */
  register(kind: ObjectKind, name: string): TrackedObject {
    const tracked: TrackedObject = { kind, name, since: new Date().toISOString() };
    this.#objects.push(tracked);
    return tracked;
  }

  /** Tracked objects as loaded from a finished run (for a later teardown). */
  load(records: readonly ObjectRecord[]): void {
    for (const record of records) this.#objects.push({ kind: record.kind, name: record.name, since: '', record });
  }

  get records(): ObjectRecord[] {
    return this.#objects.flatMap((o) => (o.record ? [o.record] : []));
  }

  find(kind: ObjectKind): TrackedObject | undefined {
    return this.#objects.find((o) => o.kind === kind);
  }

  /**
   * Undoes everything in dependency order. `undo` decides per object (skip adopted, delete by id, or by key when the
   * step never reported); a throwing undo is recorded as failed and unwinding continues.
   */
  async unwind(undo: UndoFunction, onRecord: (record: UndoRecord) => void): Promise<UndoRecord[]> {
    const records: UndoRecord[] = [];
    const run = async (object: TrackedObject) => {
      let record: UndoRecord;
      try {
        record = await undo(object);
      } catch (error) {
        record = {
          kind: object.kind,
          name: object.name,
          id: object.record?.id,
          outcome: 'failed',
          error: error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error),
        };
      }
      records.push(record);
      onRecord(record);
    };
    const ordered = undoOrder.flatMap((kind) => this.#objects.filter((o) => o.kind === kind));
    for (const object of ordered.filter((o) => !parallelTail.includes(o.kind))) await run(object);
    await Promise.all(ordered.filter((o) => parallelTail.includes(o.kind)).map(run));
    return records;
  }
}
