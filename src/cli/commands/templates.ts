import type { Command } from 'commander';
import { writeTemplateFiles } from '../../adapters/precompiled-template-folder.ts';
import { templateFolder } from '../../adapters/template-folder.ts';
import { compileTemplates } from '../../core/render/templates.ts';

export function registerTemplates(program: Command): void {
  program
    .command('templates')
    .description('compile the email templates once (MJML to HTML) into the folder a Lambda bundle ships')
    .requiredOption('--out <dir>', 'folder to write (replaced)')
    .option('--templates <dir>', 'email templates folder (default: templates/ of this package)')
    .action(async (opts: { out: string; templates?: string }) => {
      const files = await templateFolder(opts.templates).readAll();
      compileTemplates(files); // a Handlebars error fails here, not in the Lambda
      const out = await writeTemplateFiles(opts.out, files);
      console.log(`${files.size} templates written to ${out}`);
    });
}
