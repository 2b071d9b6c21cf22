import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

// Injected at the top of every Lambda bundle (BundledFunction): stack traces point at the TypeScript sources,
// as with node's --enable-source-maps, but the bundle's source map (about 1 MB) is read when a stack is first
// formatted instead of at every cold start, where reading and parsing it cost 20 to 30 ms. The project logs
// error types only, so a stack is formatted for the rare error that escapes a handler.

const maps = new Map<string, SourceMap | undefined>();

function sourceMapOf(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      // No map beside the file (or an unreadable one): its frames stay as they are.
    }
    maps.set(file, map);
  }
  return maps.get(file);
}

/** `at name (source:line:column)` with the position in the TypeScript source where the bundle has a map. */
function describe(site: NodeJS.CallSite): string {
  const file = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (!file?.startsWith('file:') || line === null || column === null) return site.toString();
  const entry = sourceMapOf(fileURLToPath(file))?.findEntry(line - 1, column - 1);
  if (!entry || !('originalSource' in entry)) return site.toString();
  // Sources as the map names them from the bundle's folder at build time: `../../src/handlers/digest.ts`.
  const source = entry.originalSource.replace(/^(\.\.\/)+/, '');
  const position = `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  const name = site.getFunctionName();
  const prefix = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
  return name ? `${prefix}${name} (${position})` : `${prefix}${position}`;
}

Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) =>
  `${Error.prototype.toString.call(error)}${sites.map((site) => `\n    at ${describe(site)}`).join('')}`;
