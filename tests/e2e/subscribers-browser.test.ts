import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalFunctionUrl, serveFunctionUrl } from '../../src/adapters/local-function-url.ts';
import { TokenSigner } from '../../src/core/signed-links.ts';
import * as pages from '../../src/core/subscribers/pages.ts';
import { createSubscriptionHandler } from '../../src/handlers/subscription-endpoint.ts';
import { launchChromium } from '../support/chromium.ts';
import {
  confirmToken,
  drainSignups,
  KEY_SECRET,
  mailsTo,
  subscriberStack,
  subscriptionService,
} from '../support/subscribers.ts';

describe('subscription pages in headless Chromium', () => {
  let stack: Awaited<ReturnType<typeof subscriberStack>>;
  let local: LocalFunctionUrl;
  let context: BrowserContext;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let service: ReturnType<typeof subscriptionService>;

  beforeAll(async () => {
    stack = await subscriberStack('browser', KEY_SECRET);
    service = subscriptionService(stack);
    local = await serveFunctionUrl(
      createSubscriptionHandler({ service, newsletter: 'Morning Brief', signupEnabled: true }),
    );
    browser = await launchChromium();
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
    await local?.close();
  });

  it('signs up through the form, then confirms by clicking the button on the confirmation page', async () => {
    // prepare
    const email = `browser-${Date.now()}@mail.example.com`;
    const page = await context.newPage();

    // act
    await page.goto(`${local.url}/subscribe`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=topics]', 'space, energy');
    await Promise.all([page.waitForURL(`${local.url}/subscribe`), page.click('button[type=submit]')]);
    const afterSignup = await page.textContent('h1');
    await drainSignups(stack, service);
    const [mail] = await mailsTo(email);
    await page.goto(`${local.url}/confirm?token=${encodeURIComponent(confirmToken(mail ?? ({} as never)))}`);
    const beforeClick = await stack.repository.findByEmail(email);
    await Promise.all([page.waitForURL(`${local.url}/confirm`), page.click('text=Confirm subscription')]);
    const afterClick = await stack.repository.findByEmail(email);

    // assess
    expect(afterSignup).toBe('Check your inbox');
    expect(beforeClick).toBeUndefined();
    expect(await page.textContent('h1')).toBe('You are subscribed');
    expect(afterClick).toMatchObject({ status: 'active', topics: ['space', 'energy'] });
    await page.close();
  });

  it('opens the unsubscribe page without side effect and unsubscribes on the button', async () => {
    // prepare
    const email = `browser-unsub-${Date.now()}@mail.example.com`;
    await subscriptionService(stack).add(
      { email, consent: { source: 'cli', at: new Date().toISOString() }, confirmed: true },
      undefined,
    );
    const subscriber = await stack.repository.findByEmail(email);
    const token = await new TokenSigner(stack.keys).sign(subscriber?.id ?? '', 'unsubscribe', new Date());
    const page = await context.newPage();

    // act
    await page.goto(`${local.url}/unsubscribe?token=${encodeURIComponent(token)}`);
    const afterGet = await stack.repository.get(subscriber?.id ?? '');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Unsubscribe")')]);
    await page.waitForSelector('text=You are unsubscribed');
    const afterClick = await stack.repository.get(subscriber?.id ?? '');

    // assess
    expect(afterGet?.status).toBe('active');
    expect(afterClick?.status).toBe('unsubscribed');
    expect(await page.isVisible('button:has-text("Subscribe again")')).toBe(true);
    await page.close();
  });

  it('keeps a long newsletter name inside a 375 px phone screen: no sideways scrolling', async () => {
    // prepare
    const options = {
      newsletter: 'TheWeeklyInternationalTechnologyRoundup',
    };
    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 700 });

    // act
    const widths: Record<string, number> = {};
    for (const [name, html] of Object.entries({
      signup: pages.signupFormPage(options),
      confirmed: pages.confirmedPage(options),
      unsubscribe: pages.unsubscribePage(options, 'token'),
    })) {
      await page.setContent(html);
      widths[name] = await page.locator('html').evaluate((html) => html.scrollWidth);
    }
    await page.close();

    // assess
    expect(widths).toEqual({ signup: 375, confirmed: 375, unsubscribe: 375 });
  });

  it('names the newsletter once in the tab title of the signup page, and in every other page title', async () => {
    // prepare
    const page = await context.newPage();

    // act
    await page.goto(`${local.url}/subscribe`);
    const signupTitle = await page.title();
    await page.goto(`${local.url}/nowhere`);
    const notFoundTitle = await page.title();
    await page.close();

    // assess
    expect(signupTitle).toBe('Subscribe to Morning Brief');
    expect(notFoundTitle).toBe('Not found · Morning Brief');
  });
});
