// The digest the email sections render: a busy day of 20 themes (8 in full, the default), with the project's
// templates and default settings.
import { templateFolder } from '../src/adapters/template-folder.ts';
import { parseEmailSettings } from '../src/core/render/settings.ts';
import { loadTemplates } from '../src/core/render/templates.ts';
import { busyDigest } from '../tests/support/digests.ts';

export const BENCH_THEMES = 20;

export async function emailInput() {
  return {
    digest: busyDigest(BENCH_THEMES),
    templates: await loadTemplates(templateFolder()),
    settings: parseEmailSettings({}),
  };
}
