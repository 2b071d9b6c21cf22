// The readers that pull in large libraries, each imported when the first file that needs it arrives: a folder
// of .txt and .json files never loads linkedom, Readability or js-yaml. The promise is kept, since every import()
// call costs a trip through the module loader. esbuild keeps these imports lazy in a bundle too.

let html: Promise<typeof import('./html.ts')> | undefined;
let markdown: Promise<typeof import('./markdown.ts')> | undefined;

/** The HTML reader (linkedom, Readability). */
export function htmlReader(): Promise<typeof import('./html.ts')> {
  html ??= import('./html.ts');
  return html;
}

/** The Markdown reader (js-yaml for the front matter). */
export function markdownReader(): Promise<typeof import('./markdown.ts')> {
  markdown ??= import('./markdown.ts');
  return markdown;
}
