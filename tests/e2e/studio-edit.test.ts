import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { S3DigestSource } from '../../src/adapters/s3-digest-source.ts';
import type { Digest } from '../../src/core/digest.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { createSubscriber } from '../../src/core/subscribers/subscriber.ts';
import { createFanoutHandler } from '../../src/handlers/send-fanout.ts';
import { createSendWorker } from '../../src/handlers/send-worker.ts';
import { deployedEditSession } from '../../src/preview/editing.ts';
import { startPreviewServer } from '../../src/preview/server.ts';
import { launchChromium } from '../support/chromium.ts';
import { busyDigest } from '../support/digests.ts';
import { recordingObservability } from '../support/logs.ts';
import { pendingDigest } from '../support/review-digest.ts';
import {
  drainQueue,
  EMAIL_SETTINGS,
  sendingStack,
  virtualTime,
  withoutDailyLimit,
} from '../support/sending.ts';
import { KEY_SECRET, mailsTo, subscriberStack } from '../support/subscribers.ts';

/** The per-recipient parts of a message (greeting, signed links) as one fixed text, to compare the rest. */
function withoutRecipient(text: string): string {
  return text
    .replace(/Hello[^,<\n]*,/g, 'Hello,')
    .replace(/https:\/\/[^\s"<>]+\/(unsubscribe|preferences)\?token=[^\s"<>]+/g, '$1-link');
}

describe('editing a deployed digest in the studio (Chromium, moto)', () => {
  it('renames, drops a point, moves a theme and approves; the subscriber gets exactly the edited digest', async () => {
    // Prepare: a pending digest of five themes, the studio on it, one subscriber.
    const { r, d, cloud, digestId, editor, archived } = await pendingDigest();
    const studio = await startPreviewServer({
      sources: {
        // The deployed email settings: the studio must show what the send worker sends.
        settings: parseEmailSettings(EMAIL_SETTINGS),
        editing: deployedEditSession({ digestId, editor: editor(), review: cloud.digest.review, by: 'ana' }),
      },
      port: 0,
    });
    const subscribers = await subscriberStack('studio', KEY_SECRET);
    const reader = {
      ...createSubscriber(
        {
          email: `reader-${Date.now()}@mail.example.com`,
          consent: { source: 'cli', at: new Date().toISOString() },
          confirmed: true,
        },
        new Date(),
      ),
    };
    await subscribers.repository.create(reader);
    const sending = await sendingStack(subscribers, busyDigest(1));
    const before = studio.current().digest;
    if (!before) throw new Error(`studio build failed: ${studio.current().error}`);
    const [first, second] = before.themes;
    const browser = await launchChromium();
    const page = await browser.context.newPage();
    const atVersion = (version: number) =>
      page.locator(`#editor[data-version="${version}"]`).waitFor({ timeout: 60_000 });
    try {
      // Act: the editor's session in the browser.
      await page.goto(studio.url);
      await page.getByLabel('Title of theme 2').fill('Lohan leaves rehab');
      await page.getByLabel('Title of theme 2').press('Enter');
      await atVersion(1);
      await page.getByRole('button', { name: 'Drop point 2 of theme 1' }).click();
      await atVersion(2);
      await page.getByRole('button', { name: 'Move theme 2 up' }).click();
      await atVersion(3);
      await page.locator('#editor').scrollIntoViewIfNeeded();
      await mkdir('tests/artifacts', { recursive: true });
      await page.screenshot({ path: 'tests/artifacts/studio-edit.png' });
      const shown = await page.frameLocator('#frame').locator('h2').allTextContents();
      // Approving asks first: cancelled, nothing is sent; confirmed, the digest goes.
      const decisions: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/api/approve')) decisions.push(request.url());
      });
      const asked: string[] = [];
      page.once('dialog', (dialog) => {
        asked.push(dialog.message());
        void dialog.dismiss();
      });
      await page.getByRole('button', { name: 'Approve' }).click();
      expect(asked).toEqual([expect.stringContaining('goes to every subscriber')]);
      expect(decisions).toEqual([]);
      expect(studio.current().edited?.state).toBe('pending');
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.locator('#state', { hasText: 'approved' }).waitFor({ timeout: 60_000 });
      const approvedHtml = studio.current().email?.html ?? '';
      const approvedText = studio.current().email?.text ?? '';
      const approvedSubject = studio.current().email?.rendered.subject;

      // Act: the deployed sending path, on moto: approved queue → fan-out → paced send worker → SES.
      const fanout = createFanoutHandler({
        subscribers: subscribers.repository,
        queue: sending.queue,
        batchSize: 10,
        log: recordingObservability().log,
      });
      expect((await fanout(await drainQueue(r.sqs, d.approvedQueueUrl))).batchItemFailures).toEqual([]);
      const time = virtualTime();
      const worker = createSendWorker({
        ledger: sending.ledger,
        subscribers: subscribers.repository,
        addressHash: subscribers.hash,
        sender: withoutDailyLimit(sending.sender),
        queue: sending.queue,
        ...recordingObservability(),
        digests: new S3DigestSource(r.s3, r.bucket),
        messages: sending.messages,
        workers: 1,
        leaseMs: 300_000,
        quotaDelaySeconds: 900,
        clock: time.clock,
        sleep: time.sleep,
      });
      expect((await worker(await drainQueue(sending.sqs, sending.queueUrl))).batchItemFailures).toEqual([]);

      // Assess
      const record = await cloud.records.get(digestId);
      expect(record?.state).toBe('approved');
      expect(record?.edits?.map((e) => [e.by, e.edit.kind])).toEqual([
        ['ana', 'rename'],
        ['ana', 'drop-point'],
        ['ana', 'move'],
      ]);
      expect(shown.slice(0, 2)).toEqual(['Lohan leaves rehab', first?.label]);
      const mails = await mailsTo(reader.email);
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail?.subject).toBe(approvedSubject);
      // Byte-identical to what the studio showed, apart from the greeting and the signed links.
      expect(withoutRecipient(String(mail?.html))).toBe(withoutRecipient(approvedHtml));
      expect(withoutRecipient(mail?.text ?? '')).toBe(withoutRecipient(approvedText));
      expect(mail?.text).toContain('Lohan leaves rehab');
      const sent = JSON.parse(await archived('digest.json')) as Digest;
      expect(sent.themes.find((t) => t.id === first?.id)?.points.map((p) => p.text)).toEqual(
        first?.points.filter((_, i) => i !== 1).map((p) => p.text),
      );
      expect(String(mail?.html).indexOf('Lohan leaves rehab')).toBeLessThan(
        String(mail?.html).indexOf(String(first?.label)),
      );
      expect(second?.label).not.toBe('Lohan leaves rehab');
    } finally {
      await browser.close();
      await studio.close();
    }
  }, 300_000);
});
