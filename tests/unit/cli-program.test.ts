import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, createProgram } from '../../src/cli/program.ts';

const topLevel = (program: Awaited<ReturnType<typeof createProgram>>) =>
  program.commands.map((c) => ({
    usage: [
      c.name(),
      ...c.registeredArguments.map((a) => {
        const name = `${a.name()}${a.variadic ? '...' : ''}`;
        return a.required ? `<${name}>` : `[${name}]`;
      }),
    ].join(' '),
    description: c.description(),
  }));

describe('the digest program', () => {
  it('lists every command in the help exactly as its module registers it, without loading the modules', async () => {
    // Prepare
    const lazy = await createProgram(['--help']);
    const eager = await createProgram([], true);

    // Act
    const listed = topLevel(lazy);
    const registered = topLevel(eager);

    // Assess
    expect(listed).toEqual(registered);
    expect(listed.map((c) => c.usage)).toEqual(COMMAND_MODULES.flatMap((m) => Object.keys(m.commands)));
  });

  it('registers only the named command for real (with its options); the rest stay placeholders', async () => {
    // Act
    const program = await createProgram(['build', '--input', 'seeds']);
    const viaHelp = await createProgram(['help', 'summarize']);

    // Assess
    const options = (name: string, p: typeof program) =>
      p.commands.find((c) => c.name() === name)?.options.map((o) => o.long);
    expect(options('build', program)).toContain('--input');
    expect(options('summarize', program)).toEqual([]);
    expect(options('summarize', viaHelp)).toContain('--words');
  });
});
