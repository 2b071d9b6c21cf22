// A Lambda-shaped entry for the bundle test: the precompiled templates are shipped beside the bundle (as
// infra/lambda-bundle.ts writes them for BundledFunction) and found relative to the bundled file.
import { fileURLToPath } from 'node:url';
import { precompiledTemplateFolder } from '../../src/adapters/precompiled-template-folder.ts';
import { personalise, renderDigestEmail } from '../../src/core/render/email.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { loadTemplates } from '../../src/core/render/templates.ts';
import { busyDigest } from './digests.ts';

const templates = precompiledTemplateFolder(fileURLToPath(new URL('./templates/', import.meta.url)));
const settings = parseEmailSettings({});

export async function handler(): Promise<{ subject: string; html: string }> {
  const rendered = await renderDigestEmail(busyDigest(2), await loadTemplates(templates), settings);
  return personalise(rendered, {
    unsubscribeUrl: 'https://digest.example.com/u?token=t',
    preferencesUrl: 'https://digest.example.com/p?token=t',
  });
}
