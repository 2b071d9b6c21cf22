/** The endpoint's HTML pages: small, self-contained (no external assets), every value escaped. */

export interface PageOptions {
  /** The name of the newsletter, shown in titles. */
  newsletter: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222;overflow-wrap:anywhere}' +
  'button{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:4px;background:#1a5fb4;color:#fff;cursor:pointer}' +
  'input[type=text],input[type=email]{font:inherit;width:100%;padding:.4rem;box-sizing:border-box}' +
  'label{display:block;margin:.75rem 0}.hp{position:absolute;left:-10000px}';

/** The tab title names the newsletter once: after the heading, unless the heading names it already. */
function page(options: PageOptions, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title.includes(options.newsletter) ? title : `${title} · ${options.newsletter}`)}</title>
<style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>
`;
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

export function signupFormPage(options: PageOptions): string {
  return page(
    options,
    `Subscribe to ${options.newsletter}`,
    `<form method="post" action="subscribe">
<label>Email <input type="email" name="email" required autocomplete="email"></label>
<label>Name (optional) <input type="text" name="name" autocomplete="name"></label>
<label>Topics you care about, separated by commas (optional) <input type="text" name="topics"></label>
<label class="hp" aria-hidden="true">Leave empty <input type="text" name="website" tabindex="-1" autocomplete="off"></label>
<button type="submit">Subscribe</button>
</form>`,
  );
}

export function checkInboxPage(options: PageOptions): string {
  return page(
    options,
    'Check your inbox',
    '<p>If the address can receive the digest, a confirmation email is on its way. Open the link in it to confirm your subscription.</p>',
  );
}

export function invalidEmailPage(options: PageOptions): string {
  return page(
    options,
    'Please check the address',
    '<p>That does not look like an email address. Please go back and try again.</p>',
  );
}

export function invalidLinkPage(options: PageOptions): string {
  return page(options, 'This link is not valid', '<p>The link may be incomplete or too old.</p>');
}

/** A form post over the body limit: what was typed, not a link, is at fault. */
export function tooLargePage(options: PageOptions): string {
  return page(
    options,
    'That was too long',
    '<p>What you typed is longer than this form takes. Please go back, shorten it and try again.</p>',
  );
}

export function confirmPage(options: PageOptions, token: string): string {
  return page(
    options,
    'Confirm your subscription',
    `<form method="post" action="confirm">${hidden('token', token)}<button type="submit">Confirm subscription</button></form>`,
  );
}

export function confirmedPage(options: PageOptions): string {
  return page(
    options,
    'You are subscribed',
    `<p>Thank you. The next ${escapeHtml(options.newsletter)} will reach you.</p>`,
  );
}

/** The button posts the RFC 8058 body to the same URL a mail client's one-click POST uses. */
export function unsubscribePage(options: PageOptions, token: string): string {
  return page(
    options,
    'Unsubscribe',
    `<p>Stop receiving ${escapeHtml(options.newsletter)}?</p>
<form method="post" action="unsubscribe?token=${encodeURIComponent(token)}">${hidden('List-Unsubscribe', 'One-Click')}<button type="submit">Unsubscribe</button></form>`,
  );
}

/** Without `canResubscribe` (signup closed) the page offers no "Subscribe again" button: it could only fail. */
export function unsubscribedPage(options: PageOptions, token: string, canResubscribe = true): string {
  const again = canResubscribe
    ? `\n<form method="post" action="resubscribe">${hidden('token', token)}<button type="submit">Subscribe again</button></form>`
    : '';
  return page(
    options,
    'You are unsubscribed',
    `<p>You will not receive ${escapeHtml(options.newsletter)} any more.</p>${again}`,
  );
}

/** Signup is switched off (no sender configured): a standing state, so no "try again". */
export function signupClosedPage(options: PageOptions): string {
  return page(
    options,
    'Signup is closed',
    `<p>${escapeHtml(options.newsletter)} is not taking new subscriptions here.</p>`,
  );
}

export function preferencesPage(
  options: PageOptions,
  token: string,
  preferences: { topics: readonly string[]; topicsOnly: boolean },
  saved: boolean,
  /** "Only these topics" was ticked with no topic: saved unticked, and the page says why. */
  topicsOnlyDropped = false,
): string {
  const status = topicsOnlyDropped
    ? '<p role="status">Saved. Add at least one topic to get only stories on your topics.</p>'
    : saved
      ? '<p role="status">Saved.</p>'
      : '';
  return page(
    options,
    'Your preferences',
    `${status}
<form method="post" action="preferences">${hidden('token', token)}
<label>Topics you care about, separated by commas <input type="text" name="topics" value="${escapeHtml(preferences.topics.join(', '))}"></label>
<label><input type="checkbox" name="topicsOnly" value="yes"${preferences.topicsOnly ? ' checked' : ''}> Only send me stories on these topics (otherwise they come first)</label>
<button type="submit">Save</button></form>`,
  );
}

export function notFoundPage(options: PageOptions): string {
  return page(options, 'Not found', '<p>There is nothing here.</p>');
}

export function tooManyRequestsPage(options: PageOptions): string {
  return page(options, 'Too many signups', '<p>Please try again in an hour.</p>');
}

export function errorPage(options: PageOptions): string {
  return page(options, 'Something went wrong', '<p>Please try again in a few minutes.</p>');
}
