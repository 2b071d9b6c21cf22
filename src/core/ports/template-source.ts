/**
 * Where the email templates come from. The filesystem adapter reads templates/; a Lambda bundle ships that
 * folder beside its code (esbuild does not copy it) and passes the folder's path.
 */
export interface TemplateSource {
  /** Identifies the source (e.g. the folder path): compiled templates are cached per process under it. */
  readonly id: string;
  /** Every template file, keyed by its path relative to the source root with forward slashes. */
  readAll(): Promise<ReadonlyMap<string, string>>;
}
