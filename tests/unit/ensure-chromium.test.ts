import { describe, expect, it } from 'vitest';
import { planChromium } from '../support/ensure-chromium.ts';

describe("npm test's chromium set-up step", () => {
  it('does nothing when chromium is there', () => {
    expect(planChromium({ chromiumPresent: true, isRoot: false, hasAptGet: false })).toEqual({
      action: 'ready',
    });
  });

  it("installs Debian's chromium with apt-get when root", () => {
    // Act
    const plan = planChromium({ chromiumPresent: false, isRoot: true, hasAptGet: true });

    // Assess
    expect(plan).toEqual({
      action: 'install',
      commands: [
        ['apt-get', 'update', '-qq'],
        ['apt-get', 'install', '-y', '-qq', 'chromium'],
      ],
    });
  });

  it.each([
    ['not root', { isRoot: false, hasAptGet: true }],
    ['without apt-get', { isRoot: true, hasAptGet: false }],
  ])('stops at once, %s, with one line naming what to install', (_case, facts) => {
    // Act
    const plan = planChromium({ chromiumPresent: false, ...facts });

    // Assess
    expect(plan.action).toBe('stop');
    const message = plan.action === 'stop' ? plan.message : '';
    expect(message).not.toContain('\n');
    expect(message).toMatch(/chromium at \/usr\/bin\/chromium.*apt-get install chromium/);
  });
});
