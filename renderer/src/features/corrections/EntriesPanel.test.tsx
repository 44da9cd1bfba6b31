// What the case sent, as a finance user reads it: a refund that failed AWS's later validation
// shows AWS's own message and the next step; one AWS refused at once shows why, with the raw
// error one click away; a refund whose answer was lost offers Resume.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CaseEntry, CaseView } from '../../../../shared/channels/corrections';
import { EntriesPanel } from './EntriesPanel';

type Refund = Extract<CaseEntry, { kind: 'refund' }>;

const HOUR = '2026-10-14T05:00:00.000Z';

function refund(overrides: Partial<Refund>): Refund {
  return {
    kind: 'refund',
    entryId: 'case-20261117-abc123-r1',
    clientToken: 'case-20261117-abc123-r1',
    agreementId: 'agmt-1111',
    invoiceId: 'inv-2222',
    amount: '1234.5',
    currencyCode: 'USD',
    description: 'Incorrect metering',
    hours: [{ hour: HOUR, units: 40 }],
    status: 'PENDING',
    sentAt: '2026-11-17T10:00:00.000Z',
    updatedAt: '2026-11-17T10:00:00.000Z',
    ...overrides,
  };
}

function caseWith(entries: CaseEntry[]): CaseView {
  return {
    caseId: 'case-20261117-abc123',
    state: 'failed',
    createdAt: '2026-11-17T09:00:00.000Z',
    updatedAt: '2026-11-17T10:00:00.000Z',
    customer: { awsAccountId: '012345678901', name: 'Cedar Ridge Health Ltd' },
    productName: 'Lumen Log Analytics',
    dimension: 'ingested_gb',
    from: HOUR,
    to: '2026-10-14T06:00:00.000Z',
    connectionName: 'Sandbox',
    differenceUnits: -40,
    differenceAmount: '-16.00',
    currencyCode: 'USD',
    product: {
      productId: 'sandbox:prod-1',
      name: 'Lumen Log Analytics',
      identityModel: 'legacy',
    },
    connection: {
      id: 'sandbox',
      name: 'Sandbox',
      accountId: '111122223333',
      region: 'us-east-1',
      isSandbox: true,
    },
    agreement: { agreementId: 'agmt-1111', currencyCode: 'USD', price: '0.40' },
    hours: [],
    proposal: null,
    entries,
    interrupted: entries.filter((e) => e.kind === 'refund' && e.status === 'sending').length,
    notes: [],
    confirmationRequired: false,
    checkedAt: '2026-11-17T10:00:00.000Z',
  };
}

function renderPanel(view: CaseView) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <EntriesPanel view={view} />
    </QueryClientProvider>,
  );
}

describe('EntriesPanel', () => {
  it('shows VALIDATION_FAILED with AWS’s message and the next step', () => {
    renderPanel(
      caseWith([
        refund({
          status: 'VALIDATION_FAILED',
          billingAdjustmentRequestId: 'bar-9f8e7d',
          statusMessage: 'The invoice was already credited in full.',
          nextStep: 'Refresh the case to read the invoice again.',
        }),
      ]),
    );
    const sent = screen.getByRole('region', { name: 'Sent' });
    const item = within(sent).getByRole('listitem');
    expect(item.textContent).toContain('Validation failed');
    expect(item.textContent).toContain('AWS says: The invoice was already credited in full.');
    expect(item.textContent).toContain('Next step: Refresh the case to read the invoice again.');
    expect(item.textContent).toContain('bar-9f8e7d');
    expect(item.textContent).toMatch(/Refund 1,234\.5 USD/);
    expect(screen.queryByRole('button', { name: 'Resume' })).toBeNull();
  });

  it('shows a refund AWS refused at once with its reason and next step', () => {
    renderPanel(
      caseWith([
        refund({
          status: 'REJECTED',
          error: { code: 'AWS_REJECTED', message: 'VALIDATION_EXCEPTION: amount above maximum' },
          nextStep: 'Check the amount and currency against the invoice.',
        }),
      ]),
    );
    const item = within(screen.getByRole('region', { name: 'Sent' })).getAllByRole('listitem')[0];
    expect(item?.textContent).toContain('Refused');
    expect(item?.textContent).toContain('Next step: Check the amount and currency');
    expect(item?.textContent).toContain('AWS refused this refund');
    expect(item?.textContent).toContain('VALIDATION_EXCEPTION: amount above maximum');
  });

  it('offers Resume for a refund whose answer was lost', () => {
    renderPanel(caseWith([refund({ status: 'sending' })]));
    expect(screen.getByRole('status').textContent).toMatch(/same client token/);
    expect(screen.getByRole('button', { name: 'Resume' })).toBeTruthy();
  });
});
