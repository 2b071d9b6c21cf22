import type { RecordedEdit } from '../edits.ts';

/** Where a digest is in its life: built once per window, then handed to sending or held for review. */
export type DigestState = 'building' | 'empty' | 'pending' | 'approved' | 'rejected' | 'dropped';

export interface DigestCounts {
  articles: number;
  themes: number;
  skipped: number;
}

/** One digest per window; its id is derived from the window, so every run for the window finds the same record. */
export interface DigestRecord {
  digestId: string;
  windowStart: string;
  windowEnd: string;
  state: DigestState;
  /** While `building`: the run holding the window, until this instant (ISO 8601). */
  leaseExpiresAt?: string;
  /**
   * The run that took the window (a random id): a run whose conditional write the SDK sent again after
   * losing its answer finds its own write by it.
   */
  runId?: string;
  counts?: DigestCounts;
  /** Folder of the archived renditions, e.g. `digests/2026/11/23/<digestId>/`. */
  archivePrefix?: string;
  /**
   * While `approved` and not yet on the approved queue: set with the decision and cleared after the hand-over;
   * a settle hands over a digest whose flag a crash left (src/core/scheduled-digest.ts, DigestReview).
   */
  awaitingHandoff?: boolean;
  /**
   * Once decided (approve, reject, a deadline): the decision's random id. A decider whose conditional write the
   * SDK sent again after losing its answer finds its own decision by it, and another decider's (even one written
   * in the same millisecond) is not taken for its own.
   */
  decisionId?: string;
  /** While `pending`: when review mode stops waiting (ISO 8601). */
  reviewDeadline?: string;
  /** While `pending` and after: the editors' changes to the built digest, in order (src/core/edits.ts). */
  edits?: RecordedEdit[];
  /** Bumped by every edit and undo; a write names the version it read, so no edit is lost to a race. */
  editVersion?: number;
  /**
   * When the last edit or undo was written (its `updatedAt` then), kept by a decision, which writes its own
   * `updatedAt`: an edit whose answer was lost finds its write by it even once the digest is decided with it.
   */
  editedAt?: string;
  updatedAt: string;
}

export interface DigestRecords {
  /**
   * Takes the window's lease: creates the record in state `building`, or takes over a `building` record whose
   * lease expired (a run that died). Returns false when another run holds it or the window is already done.
   */
  acquire(record: DigestRecord, now: Date): Promise<boolean>;
  get(digestId: string): Promise<DigestRecord | undefined>;
  /**
   * Replaces the record if it is still in state `from` and at the edit version it carries (none: never
   * edited); returns false otherwise.
   */
  transition(record: DigestRecord, from: DigestState): Promise<boolean>;
  /**
   * Sets a pending digest's edits and bumps its edit version, if it is still pending and at `version`
   * (0: never edited); returns false otherwise.
   */
  saveEdits(
    digestId: string,
    edits: readonly RecordedEdit[],
    version: number,
    updatedAt: string,
  ): Promise<boolean>;
  /** The most recent digests, newest window first. */
  recent(limit: number): Promise<DigestRecord[]>;
  /**
   * What a settle has to act on, however old and however many records the table holds: every `pending` digest
   * whose review deadline is at or before `now`, and every digest still `awaitingHandoff`.
   */
  dueForSettle(now: Date): Promise<DigestRecord[]>;
  isPaused(): Promise<boolean>;
  setPaused(paused: boolean): Promise<void>;
}
