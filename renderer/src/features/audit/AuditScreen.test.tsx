// The Audit screen against the live core: an auditor syncs CloudTrail from the sandbox, filters
// the records to one customer and dimension, opens one event's raw record, compares two events,
// looks at the charts, and queries the cache with SQL.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { callChannel } from '../../api/bridge';
import { renderAppAt } from '../../testing/render-app';
import { startScreenTest } from '../../testing/screen-test';

beforeAll(() => {
  startScreenTest();
});

async function syncFromTheScreen(user: ReturnType<typeof userEvent.setup>): Promise<void> {
  await user.click(await screen.findByRole('button', { name: 'Sync CloudTrail' }));
  await waitFor(
    () => {
      const statuses = screen.getAllByRole('status').map((s) => s.textContent);
      expect(statuses.some((t) => t.startsWith('Sync finished'))).toBe(true);
    },
    { timeout: 60_000 },
  );
}

function dataRows(grid: HTMLElement): HTMLElement[] {
  return within(grid)
    .getAllByRole('row')
    .filter((row) => within(row).queryByRole('checkbox') !== null);
}

describe('the Audit screen', { timeout: 120_000 }, () => {
  it('syncs, filters to one customer and dimension, shows raw records, compares and charts', async () => {
    renderAppAt('/audit');
    const user = userEvent.setup();
    await syncFromTheScreen(user);
    const days = screen.getByLabelText('Days synced per region');
    expect(within(days).getAllByText(/of 90 days complete/).length).toBeGreaterThan(0);

    const sample = await callChannel('audit:query', { limit: 500 });
    if (!sample.ok) throw new Error(sample.error.message);
    // A billed customer and dimension whose records span at least two events, to compare them.
    const events = new Map<string, Set<string>>();
    for (const r of sample.value.rows) {
      const key = `${r.customerAwsAccountId ?? ''}|${r.dimension}`;
      events.set(key, (events.get(key) ?? new Set()).add(r.eventId));
    }
    const target = sample.value.rows.find(
      (r) =>
        r.customerAwsAccountId &&
        r.status === 'Success' &&
        (events.get(`${r.customerAwsAccountId}|${r.dimension}`)?.size ?? 0) > 1,
    );
    const customer = target?.customerAwsAccountId;
    if (!target || !customer) throw new Error('the sandbox history has no billed record');
    const expected = await callChannel('audit:query', {
      filter: {
        text: [
          { column: 'customerAwsAccountId', op: 'contains', value: customer },
          { column: 'dimension', op: 'contains', value: target.dimension },
        ],
      },
      limit: 5000,
    });
    if (!expected.ok) throw new Error(expected.error.message);

    const grid = screen.getByRole('grid', { name: 'CloudTrail usage records' });
    await user.type(screen.getByLabelText('Filter Customer account'), customer);
    await user.type(screen.getByLabelText('Filter Dimension'), target.dimension);
    const total = expected.value.total;
    await screen.findByText(new RegExp(`^${String(total)} rows?`));
    await waitFor(() => expect(dataRows(grid).length).toBe(Math.min(total, dataRows(grid).length)));
    for (const row of dataRows(grid)) {
      expect(row.textContent).toContain(customer);
      expect(row.textContent.toLowerCase()).toContain(target.dimension.toLowerCase());
    }

    const first = dataRows(grid)[0];
    if (!first) throw new Error('no rows after filtering');
    await user.click(first);
    const detail = await screen.findByRole('region', { name: 'Event details' });
    const raw = await within(detail).findByLabelText('Raw CloudTrail record');
    expect(raw.textContent).toContain('"eventSource": "metering-marketplace.amazonaws.com"');
    const firstId = expected.value.rows[0]?.eventId ?? '';
    expect(raw.textContent).toContain(`"eventID": "${firstId}"`);

    const other = expected.value.rows.findIndex((r) => r.eventId !== firstId);
    expect(other).toBeGreaterThan(0);
    {
      const rows = dataRows(grid);
      await user.click(within(rows[0] ?? grid).getByRole('checkbox'));
      await user.click(within(rows[other] ?? grid).getByRole('checkbox'));
      await user.click(screen.getByRole('button', { name: 'Compare 2 events' }));
      const compare = await screen.findByRole('region', { name: 'Compare events' });
      expect(
        (await within(compare).findByLabelText(`Raw record ${firstId}`)).textContent,
      ).toContain(firstId);
      await user.click(screen.getByRole('button', { name: 'Close comparison' }));
    }

    await user.click(screen.getByRole('tab', { name: 'Charts and totals' }));
    expect(await screen.findByRole('img', { name: /Quantity by dimension/ })).toBeTruthy();
    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Chart one customer' }),
      customer,
    );
    expect(
      // The chart names the customer as the picker does: a known name with its ids, or the id.
      await screen.findByRole('img', {
        name: new RegExp(`Quantity for .*${customer}.*billed once`),
      }),
    ).toBeTruthy();
    await user.click(screen.getByRole('tab', { name: 'Records' }));
    expect(await screen.findByRole('grid', { name: 'CloudTrail usage records' })).toBeTruthy();
  });

  it('runs a saved query, refuses a write, saves and deletes a query of its own', async () => {
    renderAppAt('/audit');
    const user = userEvent.setup();
    await syncFromTheScreen(user);
    await user.click(screen.getByRole('tab', { name: 'Query' }));
    const saved = await screen.findByRole('navigation', { name: 'Saved queries' });
    await user.click(
      within(saved).getByRole('button', { name: 'Monthly totals per customer and dimension' }),
    );
    await user.click(screen.getByRole('button', { name: 'Run' }));
    const result = await screen.findByRole('grid', { name: 'Query result' });
    await within(result).findByRole('columnheader', { name: /billed_quantity/ });
    await waitFor(() =>
      expect(screen.getAllByRole('status').some((s) => /rows? in .* ms/.test(s.textContent))).toBe(
        true,
      ),
    );

    const editor = screen.getByLabelText('SQL', { exact: true });
    await user.clear(editor);
    await user.type(editor, 'DELETE FROM store.records');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() =>
      expect(
        screen
          .getAllByRole('alert')
          .some((a) => a.textContent.includes('The Query tab only reads')),
      ).toBe(true),
    );

    const name = `Billed records ${String(Math.random()).slice(2, 8)}`;
    await user.clear(editor);
    await user.type(editor, "SELECT status FROM records WHERE status = 'Success' LIMIT 3");
    await user.type(screen.getByLabelText('Query name'), name);
    await user.click(screen.getByRole('button', { name: 'Save query' }));
    expect(await within(saved).findByRole('button', { name })).toBeTruthy();
    await user.click(within(saved).getByRole('button', { name: `Delete saved query ${name}` }));
    await waitFor(() => expect(within(saved).queryByRole('button', { name })).toBeNull());
  });
});
