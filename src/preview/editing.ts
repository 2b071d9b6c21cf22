import { editsFileOf, MAX_EDITS, readEditsFile, writeEditsFile } from '../adapters/local-edits.ts';
import type { Digest } from '../core/digest.ts';
import type { DigestEditor } from '../core/digest-editing.ts';
import { anchorEdit, applyEditsLeniently, type Edit, type RecordedEdit } from '../core/edits.ts';
import { EditConflictError, UsageError } from '../core/errors.ts';
import type { DigestState } from '../core/ports/digest-records.ts';
import type { DigestReview } from '../core/scheduled-digest.ts';

/** The digest the studio shows, with the edits applied, and what the editor may do with it. */
export interface EditedDigest {
  digest: Digest;
  version: number;
  edits: RecordedEdit[];
  /** One line per edit, naming its theme by headline and its point by text, as in the digest it was made on. */
  described: string[];
  /** Folder mode: edits that no longer fit the rebuilt digest (a story that left the folder), with why. */
  stale: { edit: Edit; reason: string }[];
  /** Deployed mode: the record's id and state. */
  digestId?: string;
  state?: DigestState;
  /** Deployed mode: whether "Send a test to me" has an address to send to. */
  canSendTest?: boolean;
}

/**
 * Where the studio's edits go: a folder's edits file, or a deployed digest's record. Every change names the
 * version the editor saw; another one is an EditConflictError and nothing is written.
 */
export interface EditSession {
  /** Folder mode gets the digest built from the folder; deployed mode loads its own. */
  load(built: Digest | undefined): Promise<EditedDigest>;
  /** `shown` is the digest the edit was made on, as the editor sees it (edits applied). */
  edit(edit: Edit, version: number, shown: Digest): Promise<void>;
  undo(version: number): Promise<void>;
  /** Deployed mode only: approve or reject, then the studio shows the new state. */
  decide?(decision: 'approve' | 'reject', version: number): Promise<string>;
  /** Deployed mode with a test address: one copy of the digest as edited. */
  sendTest?(version: number): Promise<string>;
  /** Folder mode: the file the edits are kept in, which other programs change too (a second studio, a hand edit). */
  editsFile?: EditsFileWatch;
}

/** What the studio watches of a folder's edits file. */
export interface EditsFileWatch {
  path: string;
  /** Whether it holds other edits than those the studio shows (`shown`); a broken file does. */
  differsFrom(shown: EditedDigest | undefined): Promise<boolean>;
}

/** Folder mode: edits saved in `<folder>.edits.json` beside the folder, applied by the next build. */
export function folderEditSession(inputDir: string, by: string, now = () => new Date()): EditSession {
  const path = editsFileOf(inputDir);
  // One change at a time: two requests on the same version (two tabs, a double click) would both read the file
  // before either wrote it, and the second write would drop the first edit though both were answered "saved".
  let queue: Promise<unknown> = Promise.resolve();
  const change = (version: number, next: (edits: RecordedEdit[]) => RecordedEdit[]) => {
    const changed = queue.then(async () => {
      const file = await readEditsFile(path);
      if (file.version !== version)
        throw new EditConflictError(
          `${path} changed meanwhile (version ${file.version}): reload and edit again`,
        );
      const edits = next(file.edits);
      // One more would leave a file readEditsFile refuses: no build, and no undo, until it is fixed by hand.
      if (edits.length > MAX_EDITS)
        throw new UsageError(`${path} holds at most ${MAX_EDITS} edits: undo some, or start again from none`);
      await writeEditsFile(path, { version: version + 1, edits });
    });
    queue = changed.catch(() => {});
    return changed;
  };
  return {
    editsFile: {
      path,
      async differsFrom(shown) {
        const file = await readEditsFile(path).catch(() => undefined);
        return (
          !file ||
          file.version !== shown?.version ||
          JSON.stringify(file.edits) !== JSON.stringify(shown.edits)
        );
      },
    },
    async load(built) {
      if (!built) throw new UsageError('folder mode edits a digest built from the folder');
      const file = await readEditsFile(path);
      const { digest, stale, described } = applyEditsLeniently(
        built,
        file.edits.map((e) => e.edit),
      );
      return { digest, version: file.version, edits: file.edits, described, stale };
    },
    // The folder's digest is built again whenever its files change: the edit keeps its story's files and its
    // point's text, so it follows its story and never lands on another point (anchorEdit).
    edit: (edit, version, shown) =>
      change(version, (edits) => [...edits, { edit: anchorEdit(shown, edit), at: now().toISOString(), by }]),
    undo: (version) =>
      change(version, (edits) => {
        if (edits.length === 0) throw new UsageError('there is no edit to undo');
        return edits.slice(0, -1);
      }),
  };
}

/** Deployed mode: the pending digest's record and archive, through the same core editor as `digest edit`. */
export function deployedEditSession(options: {
  digestId: string;
  editor: DigestEditor;
  review: DigestReview;
  by: string;
  sendTest?: (digest: Digest) => Promise<string>;
}): EditSession {
  const { digestId, editor, review, by } = options;
  return {
    async load() {
      const opened = await editor.open(digestId);
      const { digest, version, edits, record, original } = opened;
      const canSendTest = Boolean(options.sendTest);
      const { described } = applyEditsLeniently(
        original,
        edits.map((e) => e.edit),
      );
      return { digest, version, edits, described, stale: [], digestId, state: record.state, canSendTest };
    },
    async edit(edit, version) {
      await editor.edit(digestId, edit, by, version);
    },
    async undo(version) {
      await editor.undo(digestId, version);
    },
    async decide(decision, version) {
      const record =
        decision === 'approve'
          ? await editor.approve(review, digestId, version)
          : await review.reject(digestId, version);
      return `${digestId} is ${record.state}`;
    },
    ...(options.sendTest && {
      sendTest: async (version: number) => {
        const opened = await editor.open(digestId);
        if (opened.version !== version)
          throw new EditConflictError(`${digestId} changed meanwhile: reload before sending a test`);
        return (options.sendTest as (digest: Digest) => Promise<string>)(opened.digest);
      },
    }),
  };
}
