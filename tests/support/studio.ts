import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { folderEditSession } from '../../src/preview/editing.ts';
import { type PreviewServer, startPreviewServer } from '../../src/preview/server.ts';

/** The studio on a folder in folder edit mode, as `digest preview --input FOLDER` starts it, with `editor` editing. */
export function startFolderEditStudio(folder: string, editor: string): Promise<PreviewServer> {
  return startPreviewServer({
    sources: {
      inputDir: folder,
      settings: parseEmailSettings({}),
      editing: folderEditSession(folder, editor),
    },
    port: 0,
  });
}

/** The token the studio's page carries, which its edit API asks for in `x-studio-token`. */
export async function studioToken(studio: PreviewServer): Promise<string> {
  const page = await (await fetch(studio.url)).text();
  return /<meta name="studio-token" content="([^"]+)">/.exec(page)?.[1] ?? '';
}

/** The URL of `path` on the studio, carrying the studio's secret as the URL it prints does (`?token=`). */
export function studioUrl(studio: PreviewServer, path: string): URL {
  const url = new URL(path, studio.url);
  url.searchParams.set('token', new URL(studio.url).searchParams.get('token') ?? '');
  return url;
}
