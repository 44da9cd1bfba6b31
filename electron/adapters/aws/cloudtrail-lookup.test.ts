import { Readable } from 'node:stream';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import { awsErrorName } from '../../../shared/aws/aws-error';
import { AppError } from '../../../shared/errors';
import { classifyLookupError } from '../../services/audit/sync';
import { createCloudTrailLookup } from './cloudtrail-lookup';

type Sent = { headers: Record<string, string>; body: unknown; hostname: string };

/** A client whose HTTP layer answers from a script, so the SDK's own (de)serializers run. */
function scriptedClient(
  region: string,
  answer: (body: unknown) => { status: number; body: unknown; headers?: Record<string, string> },
) {
  const sent: Sent[] = [];
  const client = new CloudTrailClient({
    region,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: {
        headers: Record<string, string>;
        body?: unknown;
        hostname: string;
      }) => {
        const raw = request.body;
        const text =
          typeof raw === 'string'
            ? raw
            : raw instanceof Uint8Array
              ? new TextDecoder().decode(raw)
              : '{}';
        const body: unknown = JSON.parse(text);
        sent.push({ headers: request.headers, body, hostname: request.hostname });
        const reply = answer(body);
        await Promise.resolve();
        return {
          response: {
            statusCode: reply.status,
            headers: { 'content-type': 'application/x-amz-json-1.1', ...reply.headers },
            body: Readable.from([Buffer.from(JSON.stringify(reply.body))]),
          },
        };
      },
    },
  });
  return { client, sent };
}

describe('CloudTrail LookupEvents adapter', () => {
  it('sends one lookup attribute, times and paging, and maps events', async () => {
    const { client, sent } = scriptedClient('eu-west-1', () => ({
      status: 200,
      body: {
        Events: [
          {
            EventId: 'ev-1',
            EventName: 'BatchMeterUsage',
            EventSource: 'metering-marketplace.amazonaws.com',
            EventTime: 1_785_585_600,
            Username: 'meter',
            AccessKeyId: 'AKIA1',
            ReadOnly: 'false',
            CloudTrailEvent: '{"eventID":"ev-1"}',
          },
          { EventName: 'BatchMeterUsage' },
        ],
        NextToken: 'next-page',
      },
    }));
    const lookup = createCloudTrailLookup(() => client);
    const page = await lookup({
      region: 'eu-west-1',
      attribute: { key: 'EventName', value: 'BatchMeterUsage' },
      startTime: 1_785_000_000_000,
      endTime: 1_785_585_600_000,
      nextToken: 'tok',
      maxResults: 50,
    });
    expect(page).toEqual({
      events: [
        {
          eventId: 'ev-1',
          eventTime: 1_785_585_600_000,
          eventName: 'BatchMeterUsage',
          eventSource: 'metering-marketplace.amazonaws.com',
          username: 'meter',
          accessKeyId: 'AKIA1',
          cloudTrailEvent: '{"eventID":"ev-1"}',
        },
      ],
      nextToken: 'next-page',
    });
    expect(sent[0]?.hostname).toBe('cloudtrail.eu-west-1.amazonaws.com');
    // The SDK sends the short target (AWS-FACTS §2.1 lists the namespaced form).
    expect(sent[0]?.headers['x-amz-target']).toMatch(
      /^(com\.amazonaws\.cloudtrail\.v20131101\.)?CloudTrail_20131101\.LookupEvents$/,
    );
    expect(sent[0]?.body).toEqual({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'BatchMeterUsage' }],
      StartTime: 1_785_000_000,
      EndTime: 1_785_585_600,
      MaxResults: 50,
      NextToken: 'tok',
    });
  });

  it('leaves out what was not asked for and has no token on the last page', async () => {
    const { client, sent } = scriptedClient('us-east-1', () => ({
      status: 200,
      body: { Events: [] },
    }));
    const page = await createCloudTrailLookup(client)({
      region: 'us-east-1',
      attribute: { key: 'EventSource', value: 'metering-marketplace.amazonaws.com' },
      maxResults: 10,
    });
    expect(page).toEqual({ events: [] });
    expect(sent[0]?.body).toEqual({
      LookupAttributes: [
        { AttributeKey: 'EventSource', AttributeValue: 'metering-marketplace.amazonaws.com' },
      ],
      MaxResults: 10,
    });
  });

  it('maps service errors through the one AWS error mapper, whose verdict the engine acts on', async () => {
    const { client } = scriptedClient('us-east-1', () => ({
      status: 400,
      body: { __type: 'ThrottlingException', message: 'Rate exceeded' },
    }));
    const error: unknown = await createCloudTrailLookup(client)({
      region: 'us-east-1',
      attribute: { key: 'EventName', value: 'BatchMeterUsage' },
      maxResults: 50,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'AWS_THROTTLED', retryable: true });
    expect(awsErrorName(error)).toBe('ThrottlingException');
    expect(classifyLookupError(error)).toBe('throttle');

    const { client: other } = scriptedClient('us-east-1', () => ({
      status: 400,
      body: { __type: 'InvalidNextTokenException', message: 'bad token' },
    }));
    const tokenError: unknown = await createCloudTrailLookup(other)({
      region: 'us-east-1',
      attribute: { key: 'EventName', value: 'BatchMeterUsage' },
      nextToken: 'x',
      maxResults: 50,
    }).catch((e: unknown) => e);
    expect(classifyLookupError(tokenError)).toBe('invalid-token');
  });
});
