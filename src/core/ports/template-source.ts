/**
 * Where the email templates come from, compiled (MJML already HTML, see precompile.ts): templateFolder()
 * compiles templates/ as written; a Lambda bundle ships the compiled set beside its code (esbuild does not
 * copy it) and precompiledTemplateFolder() reads it.
 */
export interface TemplateSource {
  /** Identifies the source (e.g. the folder path): compiled templates are cached per process under it. */
  readonly id: string;
  /** Every template file, keyed by its path relative to the source root with forward slashes. */
  readAll(): Promise<ReadonlyMap<string, string>>;
}
