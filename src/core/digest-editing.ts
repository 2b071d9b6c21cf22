import { isDeepStrictEqual } from 'node:util';
import type { Digest } from './digest.ts';
import { applyEdits, type Edit, type RecordedEdit } from './edits.ts';
import { EditConflictError, UsageError } from './errors.ts';
import type { DigestArchive } from './ports/digest-archive.ts';
import type { DigestRecord, DigestRecords } from './ports/digest-records.ts';
import { type DigestReview, ORIGINAL_DIGEST_FILE } from './scheduled-digest.ts';

/** A deployed digest as an editor works on it. */
export interface EditableDigest {
  record: DigestRecord;
  /** The digest as the scheduled run built it. */
  original: Digest;
  /** With the recorded edits applied: what subscribers get and the archive holds once it is approved. */
  digest: Digest;
  /** The record's edit version (0: never edited); a write names it to detect a concurrent one. */
  version: number;
  edits: RecordedEdit[];
}

export interface DigestEditorDeps {
  records: DigestRecords;
  /** Read only: the digest as built (digest.original.json). */
  archive: DigestArchive;
}

/**
 * Edits of a pending digest: each is validated against the digest as built plus the edits before it, and
 * recorded in the digest record by a conditional write on its edit version. An edit writes nothing else: the
 * archive (digest.json, html, txt, eml) keeps the digest as built until the digest is approved, and the
 * hand-over renders it from the decided record (DigestReview). So an edit command that is slow, or dies,
 * between its write and its end can never put a digest other than the approved one in the archive.
 */
export class DigestEditor {
  private readonly now: () => Date;

  constructor(
    private readonly deps: DigestEditorDeps,
    options: { now?: () => Date } = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async open(digestId: string): Promise<EditableDigest> {
    const record = await this.deps.records.get(digestId);
    if (!record) throw new UsageError(`digest ${digestId} does not exist`);
    if (!record.archivePrefix)
      throw new UsageError(`digest ${digestId} is ${record.state}: nothing was archived`);
    const edits = record.edits ?? [];
    // Digests archived before editing existed have no original: their digest.json is it, as long as unedited.
    const text =
      (await this.deps.archive.get(record.archivePrefix, ORIGINAL_DIGEST_FILE)) ??
      (record.editVersion === undefined
        ? await this.deps.archive.get(record.archivePrefix, 'digest.json')
        : undefined);
    if (text === undefined)
      throw new UsageError(`digest ${digestId}: ${record.archivePrefix}${ORIGINAL_DIGEST_FILE} is missing`);
    const original = JSON.parse(text) as Digest;
    return {
      record,
      original,
      digest: applyEdits(
        original,
        edits.map((e) => e.edit),
      ),
      version: record.editVersion ?? 0,
      edits,
    };
  }

  /** Adds one edit. `expectedVersion`: the version the editor saw; a different one is a conflict. */
  edit(digestId: string, edit: Edit, by: string, expectedVersion?: number): Promise<EditableDigest> {
    return this.change(digestId, expectedVersion, (edits) => [
      ...edits,
      { edit, at: this.now().toISOString(), by },
    ]);
  }

  /** Takes the last edit back. */
  undo(digestId: string, expectedVersion?: number): Promise<EditableDigest> {
    return this.change(digestId, expectedVersion, (edits) => {
      if (edits.length === 0) throw new UsageError(`digest ${digestId} has no edit to undo`);
      return edits.slice(0, -1);
    });
  }

  /**
   * Approves a pending digest as the editor last saw it (`expectedVersion`, else the version read now): the
   * decision is a conditional write on that version, and the hand-over renders the archive from the decided
   * record (`review` needs a renderer for an edited digest).
   */
  async approve(review: DigestReview, digestId: string, expectedVersion?: number): Promise<DigestRecord> {
    const opened = await this.open(digestId);
    checkVersion(opened, expectedVersion);
    return review.approve(digestId, opened.version);
  }

  private async change(
    digestId: string,
    expectedVersion: number | undefined,
    edit: (edits: RecordedEdit[]) => RecordedEdit[],
  ): Promise<EditableDigest> {
    const opened = await this.open(digestId);
    if (opened.record.state !== 'pending')
      throw new UsageError(
        `digest ${digestId} is ${opened.record.state}; only a pending digest can be edited`,
      );
    checkVersion(opened, expectedVersion);
    const edits = edit(opened.edits);
    const digest = applyEdits(
      opened.original,
      edits.map((e) => e.edit),
    );
    const at = this.now().toISOString();
    const saved = await this.deps.records.saveEdits(digestId, edits, opened.version, at);
    const current = saved ? undefined : await this.deps.records.get(digestId);
    if (!saved && !wrote(current, edits, opened.version + 1, at)) {
      // Decided after this edit read it (an approve, a reject, a deadline): too late, not a reload.
      if (current && current.state !== 'pending')
        throw new UsageError(`digest ${digestId} is ${current.state}; only a pending digest can be edited`);
      throw new EditConflictError(
        `digest ${digestId} was changed by someone else meanwhile (it is no longer at version ${opened.version}): reload it and make your edit again`,
      );
    }
    return {
      ...opened,
      // The record as read back after a lost answer: decided meanwhile, it says so.
      record: current ?? {
        ...opened.record,
        edits,
        editVersion: opened.version + 1,
        updatedAt: at,
        editedAt: at,
      },
      digest,
      edits,
      version: opened.version + 1,
    };
  }
}

/**
 * Whether the record is as this change wrote it: the SDK sent the conditional write again after losing its
 * answer, the first attempt went through, and the retry failed its condition. Another editor's write differs in
 * its edits or the instant it was made; taking it for a conflict would have the editor make the edit twice. The
 * instant is `editedAt`, which a decision made since keeps (its own `updatedAt` replaces the edit's): the edit is
 * then in the decided digest, not too late. Records edited before `editedAt` existed carry it as `updatedAt`.
 */
function wrote(
  current: DigestRecord | undefined,
  edits: readonly RecordedEdit[],
  version: number,
  at: string,
): boolean {
  return (
    current !== undefined &&
    current.editVersion === version &&
    (current.editedAt ?? current.updatedAt) === at &&
    isDeepStrictEqual(current.edits ?? [], edits)
  );
}

function checkVersion(opened: EditableDigest, expected: number | undefined): void {
  if (expected !== undefined && expected !== opened.version)
    throw new EditConflictError(
      `digest ${opened.record.digestId} is at version ${opened.version}, not ${expected}: someone else changed it; reload it`,
    );
}
