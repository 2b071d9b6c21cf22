import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESClient, SendRawEmailCommand, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { motoClientConfig } from '../support/aws.ts';
import { rawMessages, SENDER } from '../support/subscribers.ts';

describe('the mails moto accepted, as the tests read them (tests/support/moto.ts)', () => {
  it('are every mail of this file, oldest first, at each read while other files write to moto', async () => {
    // Prepare: three mails, and a bucket that writers keep adding to, as the other test files of a run do.
    const ses = new SESClient(motoClientConfig());
    const s3 = new S3Client(motoClientConfig());
    const tag = `moto-mails-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: SENDER }));
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const raw = `From: ${SENDER}\r\nTo: ${tag}-${n}@mail.example.com\r\nSubject: ${n}\r\n\r\nmail ${n}\r\n`;
      const sent = await ses.send(new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(raw) } }));
      ids.push(sent.MessageId ?? '');
    }
    const dynamo = new DynamoDBClient(motoClientConfig());
    const sqs = new SQSClient(motoClientConfig());
    await s3.send(new CreateBucketCommand({ Bucket: tag }));
    await dynamo.send(
      new CreateTableCommand({
        TableName: tag,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: tag }));
    let writing = true;
    const writers = [0, 1, 2].map(async (writer) => {
      for (let n = 0; writing; n++) {
        const key = `${writer}/${n}`;
        if (writer === 0) await s3.send(new PutObjectCommand({ Bucket: tag, Key: key, Body: key }));
        if (writer === 1) await dynamo.send(new PutItemCommand({ TableName: tag, Item: { pk: { S: key } } }));
        if (writer === 2) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: key }));
      }
    });

    // Act
    const reads: (string[] | Error)[] = [];
    try {
      for (let read = 0; read < 20; read++) {
        reads.push(
          await rawMessages().then(
            (mails) => mails.filter((m) => m.destinations.some((d) => d.startsWith(tag))).map((m) => m.id),
            (error: Error) => error,
          ),
        );
      }
    } finally {
      writing = false;
      await Promise.all(writers);
    }

    // Assess
    expect(reads).toEqual(Array.from({ length: 20 }, () => ids));
  }, 60_000);
});
