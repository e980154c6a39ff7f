// Result shapes shared by the activities: ids and states, never whole Graph payloads.

/**
 * The object a keyed create settled on. `created`: a run made it (this one, or one whose maker it took over);
 * `false` means it existed before and was adopted, or another run made it and this one uses it. `strays`: copies
 * that runs had made besides it, found by the key and deleted.
 */
export interface MadeObject {
  id: string;
  created: boolean;
  strays: string[];
}

/**
 * How a keyed undo went: `leftInUse` — another run still holds the object, so it stays; `skippedAdopted` — it existed
 * before any run. `strays`: further copies made by runs that the undo deleted.
 */
export interface RemovedObject {
  outcome: 'undone' | 'alreadyGone' | 'skippedAdopted' | 'leftInUse';
  strays: string[];
}
