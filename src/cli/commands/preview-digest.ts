import type { Digest } from '../../core/digest.ts';
import { deployedEditSession } from '../../preview/editing.ts';
import { startPreviewServer } from '../../preview/server.ts';
import {
  archiveRenderer,
  digestEditor,
  type EditorRendering,
  editorIdentity,
  editorRendering,
} from '../digest-editor.ts';
import { announceStudio, parsePort } from '../studio-options.ts';
import { reviewer } from './operations.ts';
import type { DigestPreviewOptions } from './preview-options.ts';
import { sendTestCopy, sendTestIdentity } from './send.ts';

/** "Send a test to me": the same message as `digest send-test`, of the digest as edited, rendered as the studio shows it. */
async function testSender(options: DigestPreviewOptions & { digest: string }, rendering: EditorRendering) {
  const to = options.testTo;
  if (!to) return undefined;
  const identity = await sendTestIdentity(options);
  return (digest: Digest) => sendTestCopy(options.digest, digest, { ...options, ...identity, to, rendering });
}

/**
 * `digest preview --digest ID`: the studio on a deployed pending digest. The local server calls AWS with the
 * operator's credentials; the page only talks to the local server.
 */
export async function previewDeployedDigest(
  options: DigestPreviewOptions & { digest: string },
): Promise<void> {
  const editor = await digestEditor(options);
  const opened = await editor.open(options.digest); // an unknown digest is an error before the studio starts
  // The email as the digest Lambda rendered it: the settings and templates kept beside its archive.
  const rendering = await editorRendering(options, opened.record);
  const review = await reviewer(options, await archiveRenderer(rendering));
  const studio = await startPreviewServer({
    sources: {
      templatesDir: options.templates,
      templateSource: rendering.templates,
      settings: rendering.settings,
      editing: deployedEditSession({
        digestId: options.digest,
        editor,
        review,
        by: await editorIdentity(options),
        sendTest: await testSender(options, rendering),
      }),
    },
    port: parsePort(options.port),
    onBuild: (build) =>
      console.log(
        build.error
          ? `build ${build.version} failed: ${build.error.split('\n')[0]}`
          : `build ${build.version}: ${options.digest} ${build.edited?.state} version ${build.edited?.version}`,
      ),
  });
  await announceStudio(studio, studio, `editing ${options.digest}, ${opened.record.state}`, options.open);
}
