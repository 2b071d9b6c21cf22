import { readFile } from 'node:fs/promises';
import { ConfigError, UsageError } from '../core/errors.ts';
import { type EmailSettings, MAX_THEMES_LIMIT, parseEmailSettings } from '../core/render/settings.ts';
import { fileProblem } from './output.ts';

/** Email settings from `--settings FILE` (JSON) with `--max-themes` on top, validated once. */
export async function readEmailSettings(opts: {
  settings?: string;
  maxThemes?: string;
}): Promise<EmailSettings> {
  const maxThemes = opts.maxThemes === undefined ? undefined : Number(opts.maxThemes);
  if (
    maxThemes !== undefined &&
    !(Number.isInteger(maxThemes) && maxThemes >= 1 && maxThemes <= MAX_THEMES_LIMIT)
  ) {
    throw new UsageError(
      `--max-themes ${opts.maxThemes} is not a whole number from 1 to ${MAX_THEMES_LIMIT}`,
    );
  }
  let fromFile: unknown = {};
  if (opts.settings) {
    const text = await readFile(opts.settings, 'utf8').catch((error: unknown) => {
      throw new UsageError(
        `--settings ${opts.settings} cannot be read: ${fileProblem(error) ?? String(error)}`,
        {
          cause: error,
        },
      );
    });
    try {
      fromFile = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`--settings ${opts.settings} is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    // An array or a string would reach the schema as keys "0", "1", … (`Unrecognized key: "0"`); null is no settings.
    fromFile ??= {};
    if (typeof fromFile !== 'object' || Array.isArray(fromFile))
      throw new ConfigError(
        `--settings ${opts.settings} holds ${Array.isArray(fromFile) ? 'an array' : `a ${typeof fromFile}`}, not an object of settings such as {"lang": "en-GB"} (docs/email.md)`,
      );
  }
  return parseEmailSettings(maxThemes === undefined ? fromFile : { ...(fromFile as object), maxThemes });
}
