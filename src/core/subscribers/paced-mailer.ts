import { ConfigError } from '../errors.ts';
import type { ConfirmationMail, ConfirmationMailer } from '../ports/subscribers.ts';

/**
 * Spaces confirmation mails to the account's sending rate (SES MaxSendRate), so a large import
 * is not throttled half-way. The clock and sleep are injectable for tests.
 */
export class PacedMailer implements ConfirmationMailer {
  private nextSlot = 0;

  constructor(
    private readonly inner: ConfirmationMailer,
    private readonly perSecond: number,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(perSecond > 0)) throw new ConfigError('sending rate must be positive');
  }

  async sendConfirmation(mail: ConfirmationMail): Promise<void> {
    const now = this.clock();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.perSecond;
    if (slot > now) await this.sleep(slot - now);
    await this.inner.sendConfirmation(mail);
  }
}
