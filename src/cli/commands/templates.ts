import type { Command } from 'commander';
import { notCompiledTemplates, writeTemplateFiles } from '../../adapters/precompiled-template-folder.ts';
import { templateFolder } from '../../adapters/template-folder.ts';
import { UsageError } from '../../core/errors.ts';
import { compileTemplates } from '../../core/render/templates.ts';
import { fileProblem } from '../output.ts';

export function registerTemplates(program: Command): void {
  program
    .command('templates')
    .description('compile the email templates once (MJML to HTML) into the folder a Lambda bundle ships')
    .requiredOption(
      '--out <dir>',
      'folder to write: a new or empty one, or one it wrote before (replaced); never one holding other files',
    )
    .option('--templates <dir>', 'email templates folder (default: templates/ of this package)')
    .action(async (opts: { out: string; templates?: string }) => {
      // The folder is replaced whole: a slip (the articles, the templates themselves, a file) must lose nothing.
      const others = await notCompiledTemplates(opts.out);
      if (others === 'file') throw new UsageError(`--out ${opts.out} is a file, not a folder`);
      if (others.length > 0)
        throw new UsageError(
          `--out ${opts.out} holds other files than compiled templates (${others[0]}${others.length > 1 ? ', …' : ''}): give a new or empty folder, or one digest templates wrote`,
        );
      const files = await templateFolder(opts.templates).readAll();
      compileTemplates(files); // a Handlebars error fails here, not in the Lambda
      const out = await writeTemplateFiles(opts.out, files).catch((error: unknown) => {
        const problem = fileProblem(error);
        if (problem === undefined) throw error;
        throw new UsageError(`--out ${opts.out} cannot be written: ${problem}`, { cause: error });
      });
      console.log(`${files.size} templates written to ${out}`);
    });
}
