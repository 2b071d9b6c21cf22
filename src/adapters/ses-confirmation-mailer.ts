import { type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { ConfigError } from '../core/errors.ts';
import type { ConfirmationMail, ConfirmationMailer } from '../core/ports/subscribers.ts';
import { escapeHtml } from '../core/subscribers/pages.ts';
import { asciiEmail } from '../core/subscribers/subscriber.ts';

export interface SesConfirmationMailerOptions {
  /** Verified SES sender address, e.g. `digest@news.example.org`; the newsletter name is its display name. */
  from: string;
  /** Name of the newsletter, used in the subject and text. */
  newsletter: string;
  /** SES configuration set, so bounces and complaints of confirmation mails reach the feedback handler. */
  configurationSet?: string;
}

/** Sends the double opt-in mail through SES v1 SendRawEmail, MIME built by nodemailer's MailComposer. */
export class SesConfirmationMailer implements ConfirmationMailer {
  constructor(
    private readonly client: SESClient,
    private readonly options: SesConfirmationMailerOptions,
  ) {}

  async sendConfirmation(mail: ConfirmationMail): Promise<void> {
    if (!mail.confirmUrl.startsWith('https://')) {
      throw new ConfigError('confirmation links must use https://');
    }
    const { newsletter } = this.options;
    const message = await new MailComposer({
      from: { name: this.options.newsletter, address: this.options.from },
      to: asciiEmail(mail.to),
      subject: `Please confirm your subscription to ${newsletter}`,
      text: [
        'Hello,',
        '',
        `Someone, hopefully you, asked to receive ${newsletter} at this address.`,
        'Open this link to confirm:',
        '',
        mail.confirmUrl,
        '',
        'If it was not you, ignore this email: nothing will be sent without your confirmation.',
      ].join('\n'),
      html: `<!doctype html><html lang="en"><body><p>Hello,</p>
<p>Someone, hopefully you, asked to receive ${escapeHtml(newsletter)} at this address.</p>
<p><a href="${escapeHtml(mail.confirmUrl)}">Confirm your subscription</a></p>
<p>If it was not you, ignore this email: nothing will be sent without your confirmation.</p></body></html>`,
    })
      .compile()
      .build();
    await this.client.send(
      new SendRawEmailCommand({
        RawMessage: { Data: message },
        ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
      }),
    );
  }
}
