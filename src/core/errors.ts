/** Base class of every error the project raises on purpose; `cause` keeps the underlying error. */
export class DigestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Configuration that failed validation; raised once, at start-up. */
export class ConfigError extends DigestError {}

/** Bad command-line or HTTP input from a person. */
export class UsageError extends DigestError {}

/**
 * A subscriber's address that cannot be written into a message's To header. It is that subscriber's alone: a send
 * batch records their message as failed and sends the others.
 */
export class RecipientAddressError extends UsageError {}

/** Someone else changed the digest since this editor read it: nothing was written; reload and redo. */
export class EditConflictError extends UsageError {}

/**
 * An editor's approve was recorded but handing the digest to sending failed: the digest is approved, and the
 * digest Lambda's next settle hands it over. Nothing for the editor to do again.
 */
export class HandOverError extends DigestError {}

/** A template that does not compile or renders invalid MJML; `problems` lists each message with its line. */
export class TemplateError extends DigestError {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(problems.length ? `${message}:\n${problems.join('\n')}` : message, options);
  }
}

/** A subscriber record or request that cannot be accepted. The message names the record and the reason. */
export class SubscriberRejectedError extends DigestError {
  constructor(
    readonly record: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${record}: ${reason}`, options);
  }
}

/** A signed link token that is malformed, forged, expired or for another purpose. Never shown in detail. */
export class InvalidTokenError extends DigestError {}

/**
 * One message that can never be sent: SES refused it for good (MessageRejected, invalid address) or it cannot
 * be tagged. Recorded as failed, never retried.
 */
export class SendRejectedError extends DigestError {}

/** SES throttled the call or failed on its side (5xx): the message was not accepted and may be retried. */
export class SendThrottledError extends DigestError {}

/**
 * SES answered and accepted nothing, for a reason that is not this message's (sending paused for the account
 * or the configuration set, a configuration set or identity missing, the sender identity not verified, not
 * authorised): the batch goes back to SQS untouched, and ends on the dead-letter queue (alarmed) if the refusal
 * lasts.
 */
export class SendRefusedError extends DigestError {}

/** The account's 24-hour sending quota is used up: the rest waits on the queue. */
export class DailyQuotaReachedError extends DigestError {}

/** A queue message that cannot be processed; the message names the SQS message and the reason. */
export class QueueMessageRejectedError extends DigestError {}

/** A store (S3, SQS, the local folder of `digest dev`) answered with something unusable; names the object. */
export class StorageError extends DigestError {}

/** Another run holds the digest window's lease; thrown so the invocation is retried or reported, not lost. */
export class WindowLockedError extends DigestError {}
