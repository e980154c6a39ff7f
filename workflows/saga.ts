// The compensation stack. Each step that may leave something behind registers its object — by the business key it
// is made by — *before* it runs; when the step reports, the object gets its id and whether a run created it. Unwinding
// goes through every registered object in dependency order (the undo decides, with the object's coordinator, what is
// this run's to remove), and keeps going past a failed undo, recording every outcome.

import type { ObjectKey } from '../common/object-keys.js';
import type { ObjectKind, ObjectRecord, UndoRecord } from '../common/provisioning.js';

export interface TrackedObject {
  kind: ObjectKind;
  name: string;
  /** What the object is made and removed by (every kind but the assignment). */
  key?: ObjectKey;
  /** Filled in when the step reports. */
  record?: ObjectRecord;
}

/**
 * Undo order, in stages: each stage starts once the one before it is done, and the kinds within a stage do not
 * depend on each other, so their undos run side by side. Entra refuses to delete a policy or package with a live
 * assignment, and to remove a catalog resource whose role is scoped in a package.
 */
const undoStages: readonly (readonly ObjectKind[])[] = [
  ['assignment'],
  ['assignmentPolicy', 'roleScope'],
  ['accessPackage', 'catalogResource'],
  ['group', 'user'],
];

export type UndoFunction = (object: TrackedObject) => Promise<UndoRecord>;

export class Saga {
  readonly #objects: TrackedObject[] = [];

  /** Registers the object a step is about to make, before the step runs. */
  register(kind: ObjectKind, name: string, key?: ObjectKey): TrackedObject {
    const tracked: TrackedObject = { kind, name, key };
    this.#objects.push(tracked);
    return tracked;
  }

  /** Tracked objects as loaded from a finished run (for a later teardown). */
  load(records: readonly ObjectRecord[]): void {
    for (const record of records) this.#objects.push({ kind: record.kind, name: record.name, key: record.key, record });
  }

  get records(): ObjectRecord[] {
    return this.#objects.flatMap((o) => (o.record ? [o.record] : []));
  }

  find(kind: ObjectKind): TrackedObject | undefined {
    return this.#objects.find((o) => o.kind === kind);
  }

  /** Undoes everything, stage by stage; a throwing undo is recorded as failed and unwinding continues. */
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
          error:
            error instanceof Error
              ? error.cause instanceof Error
                ? error.cause.message
                : error.message
              : String(error),
        };
      }
      records.push(record);
      onRecord(record);
    };
    for (const stage of undoStages) await Promise.all(this.#objects.filter((o) => stage.includes(o.kind)).map(run));
    return records;
  }
}
