import { CreateTableCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSendLedger, SEND_LEDGER_SCHEMA } from '../../src/adapters/dynamodb-send-ledger.ts';
import { createTableInput } from '../../src/adapters/dynamodb-table-schema.ts';
import { applyFeedback } from '../../src/core/subscribers/feedback.ts';
import { hashedAddress, legacyAddressHash, mailboxOf } from '../../src/core/subscribers/subscriber.ts';
import {
  drainSignups,
  KEY_SECRET,
  LINK_BASE,
  subscriberStack,
  subscriptionService,
} from '../support/subscribers.ts';

type Stack = Awaited<ReturnType<typeof subscriberStack>>;

const unique = (local: string) =>
  `${local}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@mail.example.com`;

/**
 * The suppression and complaint marks, the per-address signup limit and the send ledger name an address by the
 * stack's keyed hash (HMAC), which a dictionary of addresses cannot reverse; marks and rows written before it carry
 * the unkeyed SHA-256 and keep working (docs/subscribers.md, "Address hashes").
 */
describe('address hashes in the subscriber table and the send ledger, against moto', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await subscriberStack('hashes', KEY_SECRET);
  });

  /** Every partition key of the subscriber table. */
  async function keys(): Promise<string[]> {
    const found: string[] = [];
    let start: Record<string, never> | undefined;
    do {
      const page = await stack.dynamo.send(
        new ScanCommand({ TableName: stack.table, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) found.push(item.pk?.S ?? '');
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
    return found;
  }

  /** A mark as the code before the keyed hash wrote it: the unkeyed SHA-256 of the address. */
  async function legacyMark(prefix: 'suppressed' | 'complained', email: string) {
    await stack.dynamo.send(
      new PutItemCommand({
        TableName: stack.table,
        Item: {
          pk: { S: `${prefix}#${legacyAddressHash(email)}` },
          kind: { S: prefix === 'suppressed' ? 'suppression' : 'complaint' },
          at: { S: '2026-10-01T00:00:00.000Z' },
        },
      }),
    );
  }

  it('writes no hash of an address that anyone can compute without the key', async () => {
    // prepare
    const service = subscriptionService(stack);
    const erased = unique('erased');
    const stranger = unique('stranger');
    const signedUp = unique('signed-up');

    // act: an erasure (suppression mark), a stranger's complaint (complaint mark), a signup (per-address limit)
    await service.add(
      { email: erased, consent: { source: 'cli', at: new Date().toISOString() }, confirmed: true },
      undefined,
    );
    await service.erase(erased);
    await applyFeedback(
      { kind: 'complaint', messageId: 'm-1', recipients: [stranger], at: new Date() },
      { repository: stack.repository, addressHash: stack.hash },
    );
    await service.requestSignup({ email: signedUp }, '198.51.100.7');
    await drainSignups(stack, service);
    const stored = (await keys()).join('\n');

    // assess
    for (const email of [erased, stranger, signedUp]) expect(stored).not.toContain(legacyAddressHash(email));
    expect(stored).toContain(`suppressed#hmac#${stack.hash(erased)}`);
    expect(stored).toContain(`complained#hmac#${stack.hash(mailboxOf(stranger))}`);
    expect(stored).toContain(`address#${stack.hash(mailboxOf(signedUp))}`);
    expect(await stack.repository.isSuppressed(hashedAddress(stack.hash, erased))).toBe(true);
  });

  it('still honours suppression and complaint marks written before the keyed hash, and removes them with the new ones', async () => {
    // prepare: marks as the unkeyed code left them
    const service = subscriptionService(stack);
    const erasedBefore = unique('erased-before');
    const complainedBefore = unique('complained-before');
    await legacyMark('suppressed', erasedBefore);
    await legacyMark('complained', mailboxOf(complainedBefore));

    // act
    const reimport = await service
      .add(
        { email: erasedBefore, consent: { source: 'cli', at: new Date().toISOString() }, confirmed: true },
        undefined,
      )
      .catch((error: unknown) => error);
    const signup = await service.processSignup({ email: complainedBefore }, LINK_BASE);
    await stack.repository.unsuppress(hashedAddress(stack.hash, erasedBefore));
    await stack.repository.forgetComplaint(hashedAddress(stack.hash, mailboxOf(complainedBefore)));
    const stored = (await keys()).join('\n');

    // assess: the erased address stays out, the complained one gets no mail; both marks go when removed
    expect(reimport).toBeInstanceOf(Error);
    expect(String(reimport)).toContain('suppression list');
    expect(await stack.repository.findByEmail(erasedBefore)).toBeUndefined();
    expect(signup).toBe('not-needed');
    expect(stored).not.toContain(legacyAddressHash(erasedBefore));
    expect(stored).not.toContain(legacyAddressHash(mailboxOf(complainedBefore)));
  });

  it('settles a ledger row claimed before the keyed hash from its SES event, and a row claimed after it', async () => {
    // prepare: two rows of one digest, one with the legacy hash (claimed before the switch), one keyed
    const table = `ledger-hashes-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    await stack.dynamo.send(new CreateTableCommand(createTableInput(table, SEND_LEDGER_SCHEMA)));
    const ledger = new DynamoDbSendLedger(stack.dynamo, table);
    const before = unique('before');
    const after = unique('after');
    const now = new Date();
    const lease = new Date(now.getTime() + 300_000);
    const rows = [
      {
        key: { digestId: 'digest-hashes', subscriberId: 'sub-before' },
        email: before,
        hash: legacyAddressHash(before),
      },
      {
        key: { digestId: 'digest-hashes', subscriberId: 'sub-after' },
        email: after,
        hash: stack.hash(after),
      },
    ];
    for (const [i, row] of rows.entries()) {
      const claim = await ledger.claim(row.key, row.hash, lease, now);
      if (!claim) throw new Error('not claimed');
      await ledger.markSent(row.key, `ses-${i}`, now);
    }

    // act: the delivery events, which name the recipient by address
    for (const [i, row] of rows.entries())
      await ledger.settle(`ses-${i}`, hashedAddress(stack.hash, row.email), 'delivered', now);
    // and an event for another address never settles a row
    await ledger.settle('ses-0', hashedAddress(stack.hash, unique('someone-else')), 'bounced', now);
    const settled = new Map<string, unknown>();
    for await (const entry of ledger.entries('digest-hashes')) settled.set(entry.subscriberId, entry);

    // assess
    expect(settled.get('sub-before')).toMatchObject({ state: 'sent', deliveredAt: now.toISOString() });
    expect(settled.get('sub-before')).not.toHaveProperty('bouncedAt');
    expect(settled.get('sub-after')).toMatchObject({ state: 'sent', deliveredAt: now.toISOString() });
  });
});
