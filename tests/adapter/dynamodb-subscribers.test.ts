import { describe, expect, it } from 'vitest';
import { createSubscriber } from '../../src/core/subscribers/subscriber.ts';
import { KEY_SECRET, subscriberStack } from '../support/subscribers.ts';

const newSubscriber = (email: string) =>
  createSubscriber(
    { email, consent: { source: 'form', at: new Date().toISOString() }, confirmed: false },
    new Date(),
  );

describe('DynamoDB subscriber repository against moto', () => {
  it('keeps addresses unique under concurrent creates and frees the address on erasure', async () => {
    // prepare
    const { repository } = await subscriberStack('repository', KEY_SECRET);
    const racers = [
      newSubscriber('race@example.org'),
      newSubscriber('Race@example.org'),
      newSubscriber('race@example.org'),
    ];

    // act
    const created = await Promise.all(racers.map((s) => repository.create(s)));
    const winner = racers[created.indexOf(true)];
    await repository.remove(winner?.id ?? '');
    const again = await repository.create(newSubscriber('race@example.org'));
    const listed = [];
    for await (const s of repository.list()) listed.push(s.email);

    // assess
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(again).toBe(true);
    expect(listed).toEqual(['race@example.org']);
  });
});
