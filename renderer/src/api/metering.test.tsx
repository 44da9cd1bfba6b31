// What this app already sent, as the editor's "already sent" flags read it (useSentIndex): a
// record sent anywhere (another window, a script, a correction) is in the index as soon as the
// journal says so, not only once the index read earlier goes stale.
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordKey } from '../../../shared/metering/keys';
import { startScreenTest } from '../testing/screen-test';
import { legacySaasTarget, meterOne, utcHour } from '../testing/world';
import { useSentIndex } from './metering';
import { createQueryClient } from './queries';

let now = 0;
beforeAll(() => {
  now = startScreenTest().now;
});

function SentQuantity({ recordKeyText }: { recordKeyText: string }) {
  const sent = useSentIndex([recordKeyText], undefined);
  if (sent.data === undefined) return <p>reading</p>;
  return <p>sent: {String(sent.data.get(recordKeyText) ?? 'nothing')}</p>;
}

describe('the sent index', () => {
  it('takes in a record sent elsewhere the moment the journal has it', async () => {
    const target = await legacySaasTarget(2);
    const hour = utcHour(6, now);
    const key = recordKey({
      operation: 'BatchMeterUsage',
      productCode: target.productCode,
      customerAwsAccountId: target.account,
      dimension: target.dimension,
      timestamp: hour,
    });
    render(
      <QueryClientProvider client={createQueryClient()}>
        <SentQuantity recordKeyText={key} />
      </QueryClientProvider>,
    );
    expect(await screen.findByText('sent: nothing')).toBeTruthy();
    await meterOne(target, 7, hour);
    // Well inside the index's 10 s of freshness.
    expect(await screen.findByText('sent: 7', {}, { timeout: 5_000 })).toBeTruthy();
  });
});
