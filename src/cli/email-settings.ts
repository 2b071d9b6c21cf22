import { readFile } from 'node:fs/promises';
import { ConfigError, UsageError } from '../core/errors.ts';
import { type EmailSettings, parseEmailSettings } from '../core/render/settings.ts';

/** Email settings from `--settings FILE` (JSON) with `--max-themes` on top, validated once. */
export async function readEmailSettings(opts: {
  settings?: string;
  maxThemes?: string;
}): Promise<EmailSettings> {
  const maxThemes = opts.maxThemes === undefined ? undefined : Number(opts.maxThemes);
  if (maxThemes !== undefined && !(Number.isInteger(maxThemes) && maxThemes >= 1)) {
    throw new UsageError(`--max-themes ${opts.maxThemes} is not a whole number of at least 1`);
  }
  let fromFile: Record<string, unknown> = {};
  if (opts.settings) {
    const text = await readFile(opts.settings, 'utf8').catch((error: unknown) => {
      throw new UsageError(`--settings ${opts.settings} cannot be read`, { cause: error });
    });
    try {
      fromFile = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`--settings ${opts.settings} is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return parseEmailSettings(maxThemes === undefined ? fromFile : { ...fromFile, maxThemes });
}
