import { readSourceFolder } from '../adapters/local-files.ts';
import { templateFolder } from '../adapters/template-folder.ts';
import type { Article } from '../core/article.ts';
import type { Digest, Skipped } from '../core/digest.ts';
import { TemplateError } from '../core/errors.ts';
import { buildDigestFromArticles, parseFiles } from '../core/pipeline.ts';
import { renderSampleEmail, type SampleEmail } from '../core/render/sample.ts';
import type { EmailSettings } from '../core/render/settings.ts';
import { compileTemplates } from '../core/render/templates.ts';
import { type ClientIssue, checkClientSupport, newIssues, readBaseline } from './client-support.ts';

/** Gmail clips messages above 102 KB; the studio warns a little before that. */
export const SIZE_WARNING_BYTES = 90 * 1024;

/** A digest's input: the articles, and the files that did not become articles with the reason. */
export interface CollectedArticles {
  articles: Article[];
  skipped: Skipped[];
}

export interface StudioSources {
  inputDir: string;
  /**
   * Where the articles come from instead (`digest dev`: the locally ingested ones); the server then rebuilds
   * on refresh() rather than on changes to inputDir. @default the files of inputDir, parsed
   */
  collectArticles?: () => Promise<CollectedArticles>;
  templatesDir?: string;
  settings: EmailSettings;
  title?: string;
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
  error?: string;
}

/**
 * Builds the digest and its email exactly as `digest build` does (readSourceFolder, then parseFiles and
 * buildDigestFromArticles, which make buildDigest, then renderSampleEmail), re-reading the templates every
 * time so edits show up. Errors become part of the result: the studio shows them instead of stopping.
 */
export async function buildStudio(sources: StudioSources, version: number): Promise<StudioBuild> {
  const base: StudioBuild = {
    version,
    builtAt: new Date().toISOString(),
    htmlBytes: 0,
    clientIssues: [],
    newClientIssues: [],
    mjmlProblems: [],
  };
  let digest: Digest | undefined;
  try {
    const { articles, skipped } = sources.collectArticles
      ? await sources.collectArticles()
      : parseFiles(await readSourceFolder(sources.inputDir));
    digest = buildDigestFromArticles(articles, skipped, { title: sources.title });
    const templates = compileTemplates(await templateFolder(sources.templatesDir).readAll());
    const email = await renderSampleEmail(digest, templates, sources.settings);
    const clientIssues = checkClientSupport(email.html);
    return {
      ...base,
      digest,
      email,
      htmlBytes: Buffer.byteLength(email.html),
      clientIssues,
      newClientIssues: newIssues(clientIssues, await readBaseline()),
    };
  } catch (error) {
    const problems = error instanceof TemplateError ? [...error.problems] : [];
    return { ...base, digest, mjmlProblems: problems, error: (error as Error).message };
  }
}
