import { describe, expect, it } from 'vitest';
import type { ConfirmationMail } from '../../src/core/ports/subscribers.ts';
import { PacedMailer } from '../../src/core/subscribers/paced-mailer.ts';

describe('paced confirmation mails', () => {
  it('spaces mails to the sending rate and sends each one once', async () => {
    // prepare
    let now = 10_000;
    const sent: string[] = [];
    const waits: number[] = [];
    const mailer = new PacedMailer(
      { sendConfirmation: async (mail: ConfirmationMail) => void sent.push(mail.to) },
      2,
      () => now,
      async (ms) => {
        waits.push(ms);
      },
    );
    const mail = (to: string) => ({ to, confirmUrl: 'https://subscribe.example.org/confirm?token=t' });

    // act
    await mailer.sendConfirmation(mail('a@example.org'));
    await mailer.sendConfirmation(mail('b@example.org'));
    await mailer.sendConfirmation(mail('c@example.org'));
    now += 5_000;
    await mailer.sendConfirmation(mail('d@example.org'));

    // assess
    expect(sent).toEqual(['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org']);
    expect(waits).toEqual([500, 1000]);
  });
});
