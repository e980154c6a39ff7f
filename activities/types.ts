// Result shapes shared by the activities: ids and states, never whole Graph payloads.

/** An object a step made or found. `created: false` means it existed before the run and was adopted. */
export interface CreatedOrAdopted {
  id: string;
  created: boolean;
}

/** How an undo went. `skippedAdopted`: the object found was not made by this run, so it was left alone. */
export interface UndoOutcome {
  outcome: 'undone' | 'alreadyGone' | 'skippedAdopted';
}
