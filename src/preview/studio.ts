import { templateFolder } from '../adapters/template-folder.ts';
import type { Digest } from '../core/digest.ts';
import { TemplateError, UsageError } from '../core/errors.ts';
import type { TemplateSource } from '../core/ports/template-source.ts';
import { renderSampleEmail, type SampleEmail } from '../core/render/sample.ts';
import type { EmailSettings } from '../core/render/settings.ts';
import { compileTemplates } from '../core/render/templates.ts';
import { type ClientIssue, newIssues, readBaseline } from './client-support.ts';
import type { EditedDigest, EditSession } from './editing.ts';
import type { CollectedArticles, StudioMemo } from './studio-memo.ts';

/** Gmail clips messages above 102 KB; the studio warns a little before that. */
export const SIZE_WARNING_BYTES = 90 * 1024;

export interface StudioSources {
  /** The folder of articles; absent when `editing` loads a deployed digest instead. */
  inputDir?: string;
  /**
   * Where the articles come from instead (`digest dev`: the locally ingested ones); the server then rebuilds
   * on refresh() rather than on changes to inputDir. @default the files of inputDir, parsed
   */
  collectArticles?: () => Promise<CollectedArticles>;
  templatesDir?: string;
  /** Where the templates come from instead (a deployed digest's, kept beside its archive). @default templatesDir */
  templateSource?: TemplateSource;
  settings: EmailSettings;
  title?: string;
  /** Edit mode: where the editor's changes are kept and how they are applied before rendering. */
  editing?: EditSession;
}

/** One build of the digest as the studio shows it. A failed build keeps its error and no email. */
export interface StudioBuild {
  version: number;
  builtAt: string;
  digest?: Digest;
  email?: SampleEmail;
  htmlBytes: number;
  clientIssues: ClientIssue[];
  /** Client issues the committed baseline does not list: new risks brought in by a template change. */
  newClientIssues: ClientIssue[];
  /** MJML validation result: empty when strict validation passed. */
  mjmlProblems: string[];
  /** Edit mode: the edits behind `digest` and their version. */
  edited?: EditedDigest;
  error?: string;
}

/**
 * Whether two builds show the editor the same thing (all but their version and time): a rebuild that changes
 * nothing (a file saved unchanged, the studio's own write of the edits file) reloads no page.
 */
export function showsTheSame(a: StudioBuild, b: StudioBuild): boolean {
  return shownView(a) === shownView(b);
}

/** Each build's shown view, made once: the build on show is compared with every rebuild after it. */
const shownViews = new WeakMap<StudioBuild, string>();

function shownView(build: StudioBuild): string {
  let view = shownViews.get(build);
  if (view === undefined) {
    // The edited digest is `digest`; the sample .eml differs in its Message-ID alone when its subject, HTML
    // and text are the same.
    const { version, builtAt, email, edited, ...rest } = build;
    view = JSON.stringify([
      rest,
      edited && { ...edited, digest: undefined },
      email && [email.rendered.subject, email.html, email.text],
    ]);
    shownViews.set(build, view);
  }
  return view;
}

/**
 * Builds the digest and its email exactly as `digest build` does (readSourceFolder, then parseFiles and
 * buildDigestFromArticles, which make buildDigest, then renderSampleEmail), re-reading the templates every
 * time so edits show up. `memo` keeps what the last build made of the same input (StudioMemo): after an edit or
 * a template change no article is read again and the digest is not built again. Errors become part of the
 * result: the studio shows them instead of stopping.
 */
export async function buildStudio(
  sources: StudioSources,
  version: number,
  memo: StudioMemo,
): Promise<StudioBuild> {
  const base: StudioBuild = {
    version,
    builtAt: new Date().toISOString(),
    htmlBytes: 0,
    clientIssues: [],
    newClientIssues: [],
    mjmlProblems: [],
  };
  let digest: Digest | undefined;
  let edited: EditedDigest | undefined;
  try {
    if (sources.collectArticles || sources.inputDir !== undefined) {
      const input = sources.collectArticles
        ? memo.collected(await sources.collectArticles())
        : await memo.parseFolder(sources.inputDir as string);
      digest = memo.digest(input, sources.title);
    }
    edited = await sources.editing?.load(digest);
    digest = edited?.digest ?? digest;
    if (!digest) throw new UsageError('no digest: give the studio a folder or a deployed digest');
    const templates = compileTemplates(
      await (sources.templateSource ?? templateFolder(sources.templatesDir)).readAll(),
    );
    const email = await renderSampleEmail(digest, templates, sources.settings);
    const clientIssues = memo.clientSupport.check(email.html);
    return {
      ...base,
      digest,
      ...(edited && { edited }),
      email,
      htmlBytes: Buffer.byteLength(email.html),
      clientIssues,
      newClientIssues: newIssues(clientIssues, await readBaseline()),
    };
  } catch (error) {
    const problems = error instanceof TemplateError ? [...error.problems] : [];
    return {
      ...base,
      digest,
      ...(edited && { edited }),
      mjmlProblems: problems,
      error: (error as Error).message,
    };
  }
}
