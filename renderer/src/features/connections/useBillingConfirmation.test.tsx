// The billing confirmation: main's preview of a plan (read from the live core) shown the way a
// real connection shows it; nothing is answered until the phrase is typed, a cancel answers
// null, and a billing call that main refuses with CONFIRMATION_REQUIRED is sent again with the
// typed answer.
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BillingPreview } from '../../../../shared/billing-confirmation';
import { callChannel } from '../../api/bridge';
import { BridgeError, createQueryClient } from '../../api/queries';
import { startScreenTest } from '../../testing/screen-test';
import { legacySaasTarget, utcHour } from '../../testing/world';
import { useBillingConfirmation, type BillingAnswer } from './useBillingConfirmation';

let now = 0;
beforeAll(() => {
  now = startScreenTest().now;
});

/** Main's billing preview of a one-record plan, as a real (non-sandbox) connection asks it. */
async function realPreview(quantity: number): Promise<BillingPreview> {
  const target = await legacySaasTarget(5);
  const planned = await callChannel('metering:plan', {
    records: [
      {
        productId: `sandbox:${target.productCode}`,
        productCode: target.productCode,
        customerAwsAccountId: target.account,
        dimension: target.dimension,
        quantity,
        timestamp: utcHour(13, now),
      },
    ],
  });
  if (!planned.ok) throw new Error(planned.error.message);
  const billing = planned.value.checks.billing;
  if (!billing) throw new Error('the plan carries no billing preview');
  expect(billing.required).toBe(false); // the built-in sandbox asks nothing
  return { ...billing, required: true };
}

function Harness({
  action,
}: {
  action: (hook: ReturnType<typeof useBillingConfirmation>) => Promise<unknown>;
}) {
  const hook = useBillingConfirmation();
  const [answer, setAnswer] = useState('none yet');
  return (
    <>
      <button
        type="button"
        onClick={() => void action(hook).then((a) => setAnswer(JSON.stringify(a)))}
      >
        Bill
      </button>
      <output aria-label="Answer">{answer}</output>
      {hook.element}
    </>
  );
}

function renderHarness(
  action: (hook: ReturnType<typeof useBillingConfirmation>) => Promise<unknown>,
) {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <Harness action={action} />
    </QueryClientProvider>,
  );
}

describe('the billing confirmation', { timeout: 60_000 }, () => {
  it('shows the account, region, endpoint and totals, and answers only the typed phrase', async () => {
    const preview = await realPreview(4321);
    renderHarness((hook) => hook.confirm(preview));
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Bill' }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm what will be billed' });
    const account = within(dialog).getByLabelText('Billed account');
    expect(preview.target.accountId).toBe('111122223333');
    expect(account.textContent).toContain('111122223333');
    expect(account.textContent).toContain(preview.target.connectionName);
    expect(account.textContent).toContain(preview.target.region);
    const totals = within(dialog).getByRole('table', { name: 'Totals per dimension' });
    expect(totals.textContent).toContain('4,321');
    const go = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Submit' });
    expect(go.disabled).toBe(true);
    const phrase = within(dialog).getByLabelText('Type “submissions are final”');
    await user.type(phrase, 'submissions are');
    expect(go.disabled).toBe(true);
    await user.type(phrase, ' final');
    expect(go.disabled).toBe(false);
    await user.click(go);
    await waitFor(() =>
      expect(JSON.parse(screen.getByLabelText('Answer').textContent)).toEqual({
        confirmation: { digest: preview.digest, phrase: 'submissions are final' },
      }),
    );
    expect(screen.queryByRole('dialog', { name: 'Confirm what will be billed' })).toBeNull();
  });

  it('answers null when cancelled, and asks nothing for a preview that needs no confirmation', async () => {
    const preview = await realPreview(7);
    renderHarness((hook) => hook.confirm(preview));
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Bill' }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm what will be billed' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.getByLabelText('Answer').textContent).toBe('null'));

    const sandboxPreview = { ...preview, required: false };
    renderHarness((hook) => hook.confirm(sandboxPreview));
    await user.click(screen.getAllByRole('button', { name: 'Bill' })[1] ?? document.body);
    await waitFor(() => expect(screen.getAllByLabelText('Answer')[1]?.textContent).toBe('{}'));
  });

  it('sends again with the typed answer when main asks for the confirmation', async () => {
    const preview = await realPreview(11);
    const sent: BillingAnswer[] = [];
    renderHarness((hook) =>
      hook.run((answer) => {
        sent.push(answer);
        if (!answer.confirmation) {
          throw new BridgeError({
            code: 'CONFIRMATION_REQUIRED',
            message: 'Type the confirmation to bill this connection.',
            details: { billing: preview },
          });
        }
        return Promise.resolve('billed');
      }),
    );
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Bill' }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm what will be billed' });
    await user.type(
      within(dialog).getByLabelText('Type “submissions are final”'),
      'Submissions are final',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(screen.getByLabelText('Answer').textContent).toBe('"billed"'));
    expect(sent).toEqual([
      {},
      { confirmation: { digest: preview.digest, phrase: 'Submissions are final' } },
    ]);
  });
});
