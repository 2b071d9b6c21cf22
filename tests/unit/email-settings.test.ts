import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEmailSettings } from '../../src/cli/email-settings.ts';
import { ConfigError } from '../../src/core/errors.ts';

describe('--settings FILE', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'email-settings-'));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });
  const settingsFile = async (settings: object) => {
    const path = join(work, 'email.json');
    await writeFile(path, JSON.stringify(settings));
    return path;
  };

  it('refuses a language no date can be written in, naming the field, before anything is built', async () => {
    // Prepare: shaped like a tag, but no locale (Intl refuses it when the email's dates are written).
    const path = await settingsFile({ lang: 'xx-invalid-lang-123' });

    // Act
    const read = readEmailSettings({ settings: path });

    // Assess
    await expect(read).rejects.toThrow(ConfigError);
    await expect(read).rejects.toThrow(/BCP 47 language tag.*at lang/s);
  });

  it('refuses a well-formed tag of a language Intl does not support, naming the setting, instead of English dates', async () => {
    // Prepare: "zz" is shaped like a language tag; Intl.DateTimeFormat('zz') would quietly write dates in English.
    const path = await settingsFile({ lang: 'zz' });

    // Act
    const refused = await readEmailSettings({ settings: path }).catch((error: unknown) => error);
    const accepted = await readEmailSettings({ settings: await settingsFile({ lang: 'fr-CA' }) });

    // Assess
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(
      /lang "zz" is not a language .*supports no such locale.*\n.*at lang/s,
    );
    expect(accepted.lang).toBe('fr-CA');
  });

  it('refuses a key it does not know, so a misspelt one is not silently left out of the email', async () => {
    // Prepare: archiveURL for archiveUrl: the "View in browser" link would be missing from every email.
    const path = await settingsFile({ footer: { archiveURL: 'https://archive.example.com/d/1.html' } });

    // Act
    const read = readEmailSettings({ settings: path });

    // Assess
    await expect(read).rejects.toThrow(ConfigError);
    await expect(read).rejects.toThrow(/archiveURL.*\n?.*footer/s);
  });

  it('refuses a file that holds an array, not settings, saying so rather than naming key "0"', async () => {
    // Prepare
    const path = join(work, 'email.json');
    await writeFile(path, '[{"lang": "en-GB"}]');

    // Act
    const read = readEmailSettings({ settings: path, maxThemes: '3' });

    // Assess
    await expect(read).rejects.toThrow(ConfigError);
    await expect(read).rejects.toThrow(`--settings ${path} holds an array, not an object of settings`);
  });

  it('says why a settings file cannot be read', async () => {
    // Prepare: a path that does not exist, and a folder.
    const missing = join(work, 'nope.json');

    // Act
    const [absent, folder] = [
      readEmailSettings({ settings: missing }),
      readEmailSettings({ settings: work }),
    ];

    // Assess
    await expect(absent).rejects.toThrow(`--settings ${missing} cannot be read: no such file or folder`);
    await expect(folder).rejects.toThrow(`--settings ${work} cannot be read: it is a folder`);
  });

  it('reads valid settings, with --max-themes on top', async () => {
    // Prepare
    const path = await settingsFile({
      lang: 'de-AT',
      footer: { archiveUrl: 'https://archive.example.com/d/1.html' },
    });

    // Act
    const settings = await readEmailSettings({ settings: path, maxThemes: '3' });

    // Assess
    expect(settings).toMatchObject({
      lang: 'de-AT',
      maxThemes: 3,
      footer: { archiveUrl: 'https://archive.example.com/d/1.html' },
    });
  });
});
