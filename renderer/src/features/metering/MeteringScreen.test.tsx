// The Metering screen against the live core: a CSV with ready and needs-review rows, a row fixed
// in the editor, the preview's calls and totals, and a submission to the sandbox.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { callChannel } from '../../api/bridge';
import { connectLiveCore } from '../../testing/live-core';
import { renderAppAt } from '../../testing/render-app';

let now = 0;

beforeAll(() => {
  ({ now } = connectLiveCore());
});

function utcHour(hoursAgo: number): string {
  const ms = Math.floor(now / 3_600_000) * 3_600_000 - hoursAgo * 3_600_000;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

async function legacySaasTargets(): Promise<{ productCode: string; accounts: string[] }> {
  const world = await callChannel('sandbox:world', {});
  if (!world.ok) throw new Error(world.error.message);
  const product = world.value.products.find(
    (p) => p.kind === 'saas' && p.identityModel === 'legacy' && p.dimensions.length > 0,
  );
  if (!product) throw new Error('the sandbox world has no legacy SaaS product');
  const accounts = world.value.customers
    .filter((c) => c.subscribed.includes(product.productCode))
    .map((c) => c.awsAccountId);
  return { productCode: product.productCode, accounts };
}

function field(record: number, label: string): HTMLElement {
  return screen.getByLabelText(`${label}, record ${String(record)}`);
}

describe('Metering screen', { timeout: 60_000 }, () => {
  it('imports a CSV into ready rows and rows that need review, with their reasons', async () => {
    const { productCode, accounts } = await legacySaasTargets();
    const [a, b] = accounts;
    if (a === undefined || b === undefined) throw new Error('two subscribed accounts needed');
    renderAppAt('/metering');
    const user = userEvent.setup();
    const csv = [
      'product,customer_aws_account_id,dimension,quantity,timestamp',
      `${productCode},${a},ragged,1,234,${utcHour(2)}`,
      `${productCode},${b},ignored,12.5,${utcHour(2)}`,
      `${productCode},${a},ignored,3,${utcHour(900)}`,
    ].join('\n');
    const input = await screen.findByLabelText('CSV file', {}, { timeout: 15_000 });
    await user.upload(input, new File([csv], 'usage.csv', { type: 'text/csv' }));
    await waitFor(
      () => {
        const texts = screen.getAllByRole('status').map((s) => s.textContent);
        expect(texts.some((t) => /usage\.csv: 3 rows · 0 ready · 3 need review/.test(t))).toBe(
          true,
        );
      },
      { timeout: 15_000 },
    );
    const review = await screen.findByRole('grid', { name: 'Rows that need review' });
    expect(within(review).getByText(/6 cells for 5 columns/)).toBeTruthy();
    const rows = within(review)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.textContent);
    // Lines as the file numbers them (the header is line 1), each with its reasons.
    expect(rows.map((text) => text.slice(0, 1))).toEqual(['2', '3', '4']);
    expect(rows[0]).toContain('ragged1234');
    expect(rows[1]).toContain('Dimension "ignored" is not in the catalog');
    expect(rows[2]).toContain('Outside the window');
  });

  it('flags a record typed in the editor and explains each problem', async () => {
    renderAppAt('/metering');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add record' }));
    await user.type(field(1, 'AWS account id'), '12345678901');
    await user.type(field(1, 'Quantity'), '5');
    const record = screen.getByRole('listitem', { name: 'Record 1' });
    await waitFor(() => {
      expect(record.textContent).toContain('has 11 digits');
    });
  });
});
