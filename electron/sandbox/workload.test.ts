// Who calls MeterUsage and RegisterUsage, and the answers that depend on it, through the real SDK
// client: dedup per EC2 instance / ECS task / EKS pod (the model doc of DuplicateRequestException),
// the endpoint region of the workload (InvalidEndpointRegionException, InvalidRegionException),
// the platform (PlatformNotSupportedException: ECS, EKS and Fargate only), a dry run without
// permission (UnauthorizedException), a disabled API (DisabledApiException), and an unknown
// CustomerIdentifier read either way the model allows (AWS-FACTS §1.3, §1.4, §1.6, §1.7).
import {
  BatchMeterUsageCommand,
  MarketplaceMeteringServiceException,
  MeterUsageCommand,
  RegisterUsageCommand,
  ResolveCustomerCommand,
  type MarketplaceMeteringClient,
} from '@aws-sdk/client-marketplace-metering';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  fixtures,
  startTestSandbox,
  type AdminState,
  type Fixtures,
  type TestSandbox,
} from './testing/sandbox-testkit';
import { WORKLOAD_HEADER } from './workload';

const HOUR = 3_600_000;

type Minted = { accessKeyId: string; secretAccessKey: string; sessionToken: string; arn: string };

async function awsError(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MarketplaceMeteringServiceException);
    const e = error as MarketplaceMeteringServiceException;
    return { name: e.name, status: e.$metadata.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

/** A client that says which workload it is with the sandbox's documented header. */
function asWorkload(
  client: MarketplaceMeteringClient,
  workload: string,
): MarketplaceMeteringClient {
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { headers: Record<string, string> };
      request.headers[WORKLOAD_HEADER] = workload;
      return next(args);
    },
    { step: 'build', name: 'sandboxWorkload' },
  );
  return client;
}

let t: TestSandbox;
let f: Fixtures;

async function mintWorkload(workload: Record<string, string>): Promise<Minted> {
  const minted = await t.admin<Minted>('POST', '/_sandbox/credentials', { workload });
  expect(minted.status).toBe(200);
  return minted.body;
}

beforeAll(async () => {
  t = await startTestSandbox({ regions: ['us-east-1', 'eu-west-1'] });
  f = fixtures((await t.admin<AdminState>('GET', '/_sandbox/state')).body);
});
afterEach(async () => {
  await t.admin('PUT', '/_sandbox/behaviour', {});
  await t.admin('PUT', '/_sandbox/faults', {});
});
afterAll(() => t.close());

describe('MeterUsage dedup is per instance, task or pod, not per account', () => {
  const meter = (client: MarketplaceMeteringClient, quantity: number, hoursBack: number) =>
    client.send(
      new MeterUsageCommand({
        ProductCode: f.container.productCode,
        UsageDimension: f.container.dimensions[0]?.name ?? '',
        Timestamp: new Date(t.now() - hoursBack * HOUR),
        UsageQuantity: quantity,
      }),
    );

  it('two ECS tasks of one account meter the same hour and dimension; a task’s second quantity is a duplicate', async () => {
    const taskA = await mintWorkload({ kind: 'ecs-task', id: 'task-a1b2c3' });
    const taskB = await mintWorkload({ kind: 'ecs-task', id: 'task-d4e5f6' });
    // Named as AWS names a task role session: after the task.
    expect(taskA.arn).toBe(
      `arn:aws:sts::${t.sandbox.accountId}:assumed-role/MeterdeskSandboxTaskRole/task-a1b2c3`,
    );
    const a = await meter(t.metering(taskA), 3, 1);
    const b = await meter(t.metering(taskB), 5, 1);
    expect(a.MeteringRecordId).toBeTruthy();
    expect(b.MeteringRecordId).toBeTruthy();
    expect(b.MeteringRecordId).not.toBe(a.MeteringRecordId);
    // The same task again: identical is idempotent, a different quantity is refused.
    expect((await meter(t.metering(taskA), 3, 1)).MeteringRecordId).toBe(a.MeteringRecordId);
    expect(await awsError(meter(t.metering(taskA), 4, 1))).toEqual({
      name: 'DuplicateRequestException',
      status: 400,
    });
    const ledger = (await t.admin<AdminState>('GET', '/_sandbox/state')).body.ledger;
    expect(
      ledger.filter((e) => e.operation === 'MeterUsage').map((e) => [e.workload, e.quantity]),
    ).toEqual(
      expect.arrayContaining([
        ['ecs-task/task-a1b2c3', 3],
        ['ecs-task/task-d4e5f6', 5],
      ]),
    );
  });

  it('the x-sandbox-workload header lets one key stand in for several pods', async () => {
    const podA = asWorkload(t.metering(), 'eks-pod/checkout-7f9c');
    const podB = asWorkload(t.metering(), 'eks-pod/checkout-2b1d');
    const a = await meter(podA, 1, 2);
    const b = await meter(podB, 2, 2);
    expect(b.MeteringRecordId).not.toBe(a.MeteringRecordId);
    expect((await awsError(meter(podA, 9, 2))).name).toBe('DuplicateRequestException');
    const bad = await awsError(meter(asWorkload(t.metering(), 'a pod'), 1, 2));
    expect(bad).toEqual({ name: 'ValidationException', status: 400 });
  });

  it('without a workload, each long-term key counts as one', async () => {
    const other = await t.admin<Minted>('POST', '/_sandbox/credentials', {});
    await meter(t.metering(), 6, 3);
    await meter(t.metering(other.body), 7, 3);
    expect((await awsError(meter(t.metering(), 8, 3))).name).toBe('DuplicateRequestException');
  });
});

describe('where and from what the call is made', () => {
  it('MeterUsage in another region than the task’s is InvalidEndpointRegionException', async () => {
    const task = await mintWorkload({ kind: 'ecs-task', id: 'task-eu-1', region: 'eu-west-1' });
    const call = (region: string) =>
      t.metering({ ...task, region }).send(
        new MeterUsageCommand({
          ProductCode: f.container.productCode,
          UsageDimension: f.container.dimensions[0]?.name ?? '',
          Timestamp: new Date(t.now() - HOUR),
          UsageQuantity: 1,
        }),
      );
    expect(await awsError(call('us-east-1'))).toEqual({
      name: 'InvalidEndpointRegionException',
      status: 400,
    });
    expect((await call('eu-west-1')).MeteringRecordId).toBeTruthy();
  });

  it('RegisterUsage in another region than the task’s is InvalidRegionException', async () => {
    const task = await mintWorkload({ kind: 'fargate-task', id: 'task-eu-2', region: 'eu-west-1' });
    const call = (region: string) =>
      t
        .metering({ ...task, region })
        .send(
          new RegisterUsageCommand({ ProductCode: f.container.productCode, PublicKeyVersion: 1 }),
        );
    expect(await awsError(call('us-east-1'))).toEqual({
      name: 'InvalidRegionException',
      status: 400,
    });
    expect((await call('eu-west-1')).Signature).toMatch(/^ey/);
  });

  it('RegisterUsage from an EC2 instance is PlatformNotSupportedException (ECS, EKS and Fargate only)', async () => {
    const instance = await mintWorkload({ kind: 'ec2-instance', id: 'i-0abc1234def567890' });
    const register = t
      .metering(instance)
      .send(
        new RegisterUsageCommand({ ProductCode: f.container.productCode, PublicKeyVersion: 1 }),
      );
    expect(await awsError(register)).toEqual({
      name: 'PlatformNotSupportedException',
      status: 400,
    });
    const pod = await mintWorkload({ kind: 'eks-pod', id: 'inference-0' });
    const fine = await t
      .metering(pod)
      .send(
        new RegisterUsageCommand({ ProductCode: f.container.productCode, PublicKeyVersion: 1 }),
      );
    expect(fine.Signature).toBeTruthy();
  });
});

describe('answers the seeded world never gives on its own', () => {
  it('a MeterUsage dry run without permission is UnauthorizedException; a real send is AccessDenied', async () => {
    await t.admin('PUT', '/_sandbox/faults', {
      denyActions: [{ action: 'aws-marketplace:MeterUsage' }],
    });
    const request = {
      ProductCode: f.container.productCode,
      UsageDimension: f.container.dimensions[0]?.name ?? '',
      Timestamp: new Date(t.now() - HOUR),
      UsageQuantity: 0,
    };
    expect(
      await awsError(t.metering().send(new MeterUsageCommand({ ...request, DryRun: true }))),
    ).toEqual({ name: 'UnauthorizedException', status: 403 });
    expect(await awsError(t.metering().send(new MeterUsageCommand(request)))).toEqual({
      name: 'AccessDeniedException',
      status: 403,
    });
  });

  it('an API disabled in one region is DisabledApiException there and works in the other', async () => {
    const set = await t.admin('PUT', '/_sandbox/behaviour', {
      disabledApis: { 'eu-west-1': ['BatchMeterUsage', 'ResolveCustomer'] },
    });
    expect(set.status).toBe(200);
    const batch = (region: string) =>
      t
        .metering({ region })
        .send(new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: [] }));
    expect(await awsError(batch('eu-west-1'))).toEqual({
      name: 'DisabledApiException',
      status: 400,
    });
    expect((await batch('us-east-1')).Results).toEqual([]);
    expect(
      await awsError(
        t
          .metering({ region: 'eu-west-1' })
          .send(new ResolveCustomerCommand({ RegistrationToken: 'x' })),
      ),
    ).toMatchObject({ name: 'DisabledApiException' });
    // MeterUsage's model has no DisabledApiException: the knob refuses it, and unserved regions.
    const refused = await t.admin<{ message: string }>('PUT', '/_sandbox/behaviour', {
      disabledApis: { 'eu-west-1': ['MeterUsage'] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/BatchMeterUsage, ResolveCustomer, RegisterUsage only/);
    const unserved = await t.admin<{ message: string }>('PUT', '/_sandbox/behaviour', {
      disabledApis: { 'ap-south-1': ['BatchMeterUsage'] },
    });
    expect(unserved.status).toBe(400);
  });

  it('an unknown CustomerIdentifier fails the call, or with the knob only its own record', async () => {
    const records = [
      {
        Timestamp: new Date(t.now() - 5 * HOUR),
        Dimension: f.legacy.dimensions[0]?.name ?? '',
        Quantity: 2,
        CustomerIdentifier: f.legacySub.customerIdentifier,
      },
      {
        Timestamp: new Date(t.now() - 5 * HOUR),
        Dimension: f.legacy.dimensions[0]?.name ?? '',
        Quantity: 2,
        CustomerIdentifier: 'no-such-buyer',
      },
    ];
    const send = () =>
      t
        .metering()
        .send(
          new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: records }),
        );
    expect((await awsError(send())).name).toBe('InvalidCustomerIdentifierException');

    await t.admin('PUT', '/_sandbox/behaviour', { unknownCustomerIdentifier: 'per-record' });
    const out = await send();
    expect(out.Results?.map((r) => [r.UsageRecord?.CustomerIdentifier, r.Status])).toEqual([
      [f.legacySub.customerIdentifier, 'Success'],
      ['no-such-buyer', 'CustomerNotSubscribed'],
    ]);
    expect(out.Results?.[1]?.MeteringRecordId).toBeUndefined();
    const ledger = (await t.admin<AdminState>('GET', '/_sandbox/state')).body.ledger;
    expect(ledger.some((e) => e.customerIdentifier === 'no-such-buyer')).toBe(false);
  });

  it('knobs are listed and replaced by PUT; an unknown knob is refused', async () => {
    await t.admin('PUT', '/_sandbox/behaviour', { jwtClaimCasing: 'lowerCamel' });
    expect((await t.admin('GET', '/_sandbox/behaviour')).body).toEqual({
      jwtClaimCasing: 'lowerCamel',
    });
    const unknown = await t.admin<{ message: string }>('PUT', '/_sandbox/behaviour', {
      throttle: true,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/Unknown behaviour knob throttle/);
  });
});
