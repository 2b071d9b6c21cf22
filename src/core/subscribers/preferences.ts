import type { Theme } from '../digest.ts';
import type { Subscriber } from './subscriber.ts';

/**
 * The themes of a digest in the order one subscriber gets them: themes matching any of their
 * topic keywords first (in digest rank order), then the rest, or only the matching ones when they
 * chose topicsOnly. A keyword matches a whole word of the theme's label, article titles or points.
 */
export function themesForSubscriber(
  themes: readonly Theme[],
  subscriber: Pick<Subscriber, 'topics' | 'topicsOnly'>,
) {
  if (subscriber.topics.length === 0) return [...themes];
  const matching: Theme[] = [];
  const others: Theme[] = [];
  for (const theme of themes) (matchesTopics(theme, subscriber.topics) ? matching : others).push(theme);
  return subscriber.topicsOnly ? matching : [...matching, ...others];
}

function matchesTopics(theme: Theme, topics: readonly string[]): boolean {
  const text = [theme.label, ...theme.articles.map((a) => a.title), ...theme.points.map((p) => p.text)]
    .join(' ')
    .toLowerCase();
  const words = new Set(text.split(/[^\p{L}\p{N}]+/u));
  return topics.some((topic) => {
    const parts = topic
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    // A multi-word keyword ("solar power") must appear as a phrase.
    return parts.length > 1
      ? text.includes(parts.join(' '))
      : parts.length === 1 && words.has(parts[0] ?? '');
  });
}
