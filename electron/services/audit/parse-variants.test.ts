// Every CloudTrail variant the parser must read right (issue 11.2). The records are written by
// hand from AWS's documented BatchMeterUsage sample (AWS-FACTS §2.6), the CloudTrail
// record-contents rule that a field over the maximum size is replaced by `{"omitted": true}`,
// and the userIdentity examples of the CloudTrail documentation — never from the sandbox.
import { describe, expect, it } from 'vitest';
import { auditRowSchema, type AuditRow } from '../../../shared/audit';
import { parseCloudTrailEvent } from './parse';

type Rec = Record<string, unknown>;

const HOUR = 'Apr 19, 2018 4:00:00 PM';
const HOUR_MS = Date.UTC(2018, 3, 19, 16);

/** The documented sample's envelope, with its placeholders filled in. */
function sampleEvent(overrides: Rec = {}): Rec {
  return {
    eventVersion: '1.05',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAJ45Q7YFFAREXAMPLE',
      arn: 'arn:aws:iam::123456789012:user/Alice',
      accountId: '123456789012',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      userName: 'Alice',
    },
    eventTime: '2018-04-19T16:32:51Z',
    eventSource: 'metering-marketplace.amazonaws.com',
    eventName: 'BatchMeterUsage',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-sdk-java/1.11.301',
    requestID: 'req-0001',
    eventID: 'ev-0001',
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: '123456789012',
    ...overrides,
  };
}

/** A legacy usage record as the sample writes it. */
function legacy(customer: string, dimension: string, quantity: number): Rec {
  return { dimension, timestamp: HOUR, customerIdentifier: customer, quantity };
}

function parse(record: Rec) {
  const parsed = parseCloudTrailEvent(JSON.stringify(record));
  if (!parsed.ok) throw new Error(parsed.reason);
  for (const row of parsed.event.rows) expect(auditRowSchema.safeParse(row).success).toBe(true);
  return parsed.event;
}

const brief = (rows: AuditRow[]) =>
  rows.map((r) => [
    r.customerIdentifier ?? r.customerAwsAccountId ?? null,
    r.dimension,
    r.quantity,
    r.status,
    r.meteringRecordId ?? null,
  ]);

describe('events CloudTrail truncated', () => {
  const records = [legacy('customer1', 'Dimension1', 1), legacy('customer2', 'Dimension1', 2)];
  const results = [
    { usageRecord: records[0], meteringRecordId: 'mr-1', status: 'Success' },
    { usageRecord: records[1], meteringRecordId: 'mr-2', status: 'Success' },
  ];

  it('keeps an event whose request and response were both omitted, flagged, with one row', () => {
    const event = parse(
      sampleEvent({
        requestParameters: { omitted: true },
        responseElements: { omitted: true, originalSize: 254_112 },
      }),
    );
    expect(event.truncated).toBe('both');
    expect(event.rows).toHaveLength(1);
    expect(event.rows[0]).toMatchObject({
      eventId: 'ev-0001',
      status: 'Unknown',
      truncated: 'both',
      requestId: 'req-0001',
      dimension: '',
      quantity: 0,
    });
  });

  it('reads the request when only the response was omitted, and does not call it unprocessed', () => {
    const event = parse(
      sampleEvent({
        requestParameters: { usageRecords: records, productCode: 'EXAMPLE_proCode' },
        responseElements: { omitted: true },
      }),
    );
    expect(event.truncated).toBe('responseElements');
    expect(brief(event.rows)).toEqual([
      ['customer1', 'Dimension1', 1, 'Unknown', null],
      ['customer2', 'Dimension1', 2, 'Unknown', null],
    ]);
    expect(event.rows.every((r) => r.truncated === 'responseElements')).toBe(true);
    expect(event.rows.every((r) => r.errorCode === undefined)).toBe(true);
  });

  it('reads the results’ echoes when only the request was omitted', () => {
    const event = parse(
      sampleEvent({
        requestParameters: { omitted: true },
        responseElements: { results, unprocessedRecords: [legacy('customer3', 'Dimension1', 3)] },
      }),
    );
    expect(event.truncated).toBe('requestParameters');
    expect(brief(event.rows)).toEqual([
      ['customer1', 'Dimension1', 1, 'Success', 'mr-1'],
      ['customer2', 'Dimension1', 2, 'Success', 'mr-2'],
      ['customer3', 'Dimension1', 3, 'Unprocessed', null],
    ]);
    expect(event.rows.map((r) => r.recordIndex)).toEqual([0, 1, 2]);
  });

  it('keeps a truncated failed call as one Failed row', () => {
    const event = parse(
      sampleEvent({
        errorCode: 'ThrottlingException',
        errorMessage: 'Rate exceeded',
        requestParameters: { omitted: true },
        responseElements: null,
      }),
    );
    expect(event.rows).toEqual([
      expect.objectContaining({
        status: 'Failed',
        errorCode: 'ThrottlingException',
        truncated: 'requestParameters',
      }),
    ]);
  });

  it('says a MeterUsage answer is unknown when its response was omitted', () => {
    const event = parse(
      sampleEvent({
        eventName: 'MeterUsage',
        requestParameters: {
          productCode: 'ami-product',
          timestamp: HOUR,
          usageDimension: 'hosts',
          usageQuantity: 4,
          dryRun: false,
        },
        responseElements: { omitted: true },
      }),
    );
    expect(event.rows[0]).toMatchObject({ status: 'Unknown', dimension: 'hosts', quantity: 4 });
  });
});

describe('results paired with request records by key: echoes and casing', () => {
  it('takes an echo that adds customerAWSAccountID to the customerIdentifier sent (no phantom row)', () => {
    const sent = legacy('customer1', 'Dimension1', 1);
    const echo = { ...sent, customerAWSAccountID: '987654321098' };
    const event = parse(
      sampleEvent({
        requestParameters: { usageRecords: [sent], productCode: 'EXAMPLE_proCode' },
        responseElements: {
          results: [{ usageRecord: echo, meteringRecordId: 'bEXAMPLE-98f0', status: 'Success' }],
          unprocessedRecords: [],
        },
      }),
    );
    expect(brief(event.rows)).toEqual([['customer1', 'Dimension1', 1, 'Success', 'bEXAMPLE-98f0']]);
  });

  it('matches key casing (customerAwsAccountId), string quantities and reordered results', () => {
    const sent = [
      {
        dimension: 'api',
        timestamp: HOUR,
        customerAWSAccountID: '111111111111',
        licenseArn: 'arn:aws:license-manager::123456789012:license:l-a',
        quantity: 10,
      },
      {
        dimension: 'api',
        timestamp: HOUR,
        customerAWSAccountID: '222222222222',
        licenseArn: 'arn:aws:license-manager::123456789012:license:l-b',
        quantity: 20,
      },
    ];
    const echo = (r: Rec): Rec => ({
      Dimension: r.dimension,
      Timestamp: r.timestamp,
      customerAwsAccountId: r.customerAWSAccountID,
      LicenseArn: r.licenseArn,
      quantity: String(r.quantity),
    });
    const event = parse(
      sampleEvent({
        requestParameters: { usageRecords: sent },
        responseElements: {
          results: [
            { usageRecord: echo(sent[1] as Rec), meteringRecordId: 'mr-b', status: 'Success' },
            { usageRecord: echo(sent[0] as Rec), meteringRecordId: 'mr-a', status: 'Success' },
          ],
        },
      }),
    );
    expect(brief(event.rows)).toEqual([
      ['111111111111', 'api', 10, 'Success', 'mr-a'],
      ['222222222222', 'api', 20, 'Success', 'mr-b'],
    ]);
    expect(event.rows.every((r) => r.productCode === undefined)).toBe(true);
  });
});

describe('results paired with request records by key: licenses, leftovers and timestamps', () => {
  it('tells two licenses of one customer apart in the same hour (Concurrent Agreements)', () => {
    const base = { dimension: 'api', timestamp: HOUR, customerAWSAccountID: '111111111111' };
    const a = { ...base, licenseArn: 'arn:aws:license-manager::1:license:l-a', quantity: 5 };
    const b = { ...base, licenseArn: 'arn:aws:license-manager::1:license:l-b', quantity: 5 };
    const event = parse(
      sampleEvent({
        requestParameters: { usageRecords: [a, b] },
        responseElements: {
          results: [
            { usageRecord: b, meteringRecordId: 'mr-b', status: 'Success' },
            { usageRecord: a, meteringRecordId: 'mr-a', status: 'DuplicateRecord' },
          ],
        },
      }),
    );
    expect(event.rows.map((r) => [r.licenseArn, r.status, r.meteringRecordId])).toEqual([
      ['arn:aws:license-manager::1:license:l-a', 'DuplicateRecord', 'mr-a'],
      ['arn:aws:license-manager::1:license:l-b', 'Success', 'mr-b'],
    ]);
  });

  it('gives results without an echo to the request records left over, in order', () => {
    const sent = [
      legacy('customer1', 'd1', 1),
      legacy('customer2', 'd1', 2),
      legacy('customer3', 'd1', 3),
    ];
    const event = parse(
      sampleEvent({
        requestParameters: { usageRecords: sent, productCode: 'EXAMPLE_proCode' },
        responseElements: {
          results: [
            { meteringRecordId: 'mr-x', status: 'Success' },
            { usageRecord: sent[1], meteringRecordId: 'mr-2', status: 'Success' },
            { meteringRecordId: 'mr-y', status: 'CustomerNotSubscribed' },
          ],
          unprocessedRecords: [],
        },
      }),
    );
    expect(brief(event.rows)).toEqual([
      ['customer1', 'd1', 1, 'Success', 'mr-x'],
      ['customer2', 'd1', 2, 'Success', 'mr-2'],
      ['customer3', 'd1', 3, 'CustomerNotSubscribed', 'mr-y'],
    ]);
  });

  it('pairs an echo whose timestamp is written as ISO or epoch seconds by its hour', () => {
    const sent = legacy('customer1', 'd1', 7);
    const event = parse(
      sampleEvent({
        requestParameters: { usageRecords: [sent] },
        responseElements: {
          results: [
            {
              usageRecord: { ...sent, timestamp: HOUR_MS / 1000 },
              meteringRecordId: 'mr-1',
              status: 'Success',
            },
          ],
        },
      }),
    );
    expect(brief(event.rows)).toEqual([['customer1', 'd1', 7, 'Success', 'mr-1']]);
    expect(event.rows[0]?.usageHour).toBe(HOUR_MS);
  });
});

describe('who made the call (userIdentity types)', () => {
  const identity = (userIdentity: Rec) =>
    parse(
      sampleEvent({
        userIdentity,
        errorCode: 'AccessDenied',
        requestParameters: null,
        responseElements: null,
      }),
    ).rows[0];

  it('IAM user: the user name', () => {
    expect(identity(sampleEvent().userIdentity as Rec)).toMatchObject({
      identityType: 'IAMUser',
      person: 'Alice',
      userName: 'Alice',
      callerArn: 'arn:aws:iam::123456789012:user/Alice',
    });
  });

  it('assumed role: the role session name is the person, the role the user name', () => {
    expect(
      identity({
        type: 'AssumedRole',
        principalId: 'AROAIDPPEZS35WEXAMPLE:AssumedRoleSessionName',
        arn: 'arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySessionName',
        accountId: '123456789012',
        accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
        sessionContext: {
          attributes: { mfaAuthenticated: 'false', creationDate: '20131102T010628Z' },
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAIDPPEZS35WEXAMPLE',
            arn: 'arn:aws:iam::123456789012:role/RoleToBeAssumed',
            accountId: '123456789012',
            userName: 'RoleToBeAssumed',
          },
        },
      }),
    ).toMatchObject({
      identityType: 'AssumedRole',
      person: 'MySessionName',
      userName: 'RoleToBeAssumed',
    });
  });

  it('IAM Identity Center session: the signed-in person, not AWSReservedSSO_…', () => {
    const role = 'AWSReservedSSO_BillingAdmin_0123456789abcdef';
    const row = identity({
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEID:alice@example.com',
      arn: `arn:aws:sts::123456789012:assumed-role/${role}/alice@example.com`,
      accountId: '123456789012',
      accessKeyId: 'ASIAEXAMPLEKEY',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLEID',
          arn: `arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/${role}`,
          accountId: '123456789012',
          userName: role,
        },
        attributes: { creationDate: '2026-07-10T11:58:00Z', mfaAuthenticated: 'false' },
      },
    });
    expect(row).toMatchObject({ person: 'alice@example.com', userName: role });
  });

  it('federated user: the name given to GetFederationToken', () => {
    expect(
      identity({
        type: 'FederatedUser',
        principalId: '123456789012:Bob',
        arn: 'arn:aws:sts::123456789012:federated-user/Bob',
        accountId: '123456789012',
        accessKeyId: 'ASIAFEDERATEDEXAMPLE',
        sessionContext: {
          sessionIssuer: {
            type: 'IAMUser',
            principalId: 'AIDAJ45Q7YFFAREXAMPLE',
            arn: 'arn:aws:iam::123456789012:user/Alice',
            accountId: '123456789012',
            userName: 'Alice',
          },
        },
      }),
    ).toMatchObject({ identityType: 'FederatedUser', person: 'Bob', userName: 'Alice' });
  });

  it('root: “root user”, with the account alias as user name when set', () => {
    expect(
      identity({
        type: 'Root',
        principalId: '123456789012',
        arn: 'arn:aws:iam::123456789012:root',
        accountId: '123456789012',
        accessKeyId: 'AKIAROOTEXAMPLE',
        userName: 'example-seller',
      }),
    ).toMatchObject({ identityType: 'Root', person: 'root user', userName: 'example-seller' });
  });

  it('AWS service: the service that invoked the call', () => {
    expect(identity({ type: 'AWSService', invokedBy: 'marketplace.amazonaws.com' })).toMatchObject({
      identityType: 'AWSService',
      person: 'marketplace.amazonaws.com',
    });
  });

  it('web identity user: the provider’s user id', () => {
    expect(
      identity({
        type: 'WebIdentityUser',
        principalId: 'accounts.google.com:application-id.apps.googleusercontent.com:user-id',
        userName: 'user-id',
        identityProvider: 'accounts.google.com',
      }),
    ).toMatchObject({ identityType: 'WebIdentityUser', person: 'user-id' });
  });

  it('AccessDenied with null parameters: one Failed row that still names the caller', () => {
    const row = identity(sampleEvent().userIdentity as Rec);
    expect(row).toMatchObject({ status: 'Failed', errorCode: 'AccessDenied', dimension: '' });
  });
});
