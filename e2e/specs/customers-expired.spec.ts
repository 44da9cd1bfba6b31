// ExpiredTokenException means two things (AWS-FACTS §0.1): the buyer's registration token expired
// (ResolveCustomer, HTTP 400; customers.spec.ts), or the seller's own session credentials expired
// (any signed call, HTTP 403; here). A support person must be told the right one: asking a buyer
// to redo the sign-up cannot fix the seller's credentials.
import { expect, test } from '../fixtures';
import { useOwnSandbox } from '../own-sandbox';
import { ConnectionsPage } from '../pages/connections';
import { CustomersPage, screenshot } from '../pages/customers';
import { Shell } from '../pages/shell';

const ownSandbox = useOwnSandbox();

test('expired session credentials: HTTP 403 and every call on them fails, so the seller refreshes them', async ({
  mdesk,
}) => {
  // A role session whose credentials have run out, pasted without their expiry time, so the app
  // learns it only from AWS's answer.
  const keys = await ownSandbox.mint({
    temporary: true,
    expiresInSeconds: 0,
    userName: 'e2e-expired-session',
  });
  const { page } = mdesk;
  await new Shell(page).waitUntilLoaded();
  const connections = new ConnectionsPage(page);
  await connections.open();
  await connections.fillKeys({
    name: 'Expired session',
    accessKeyId: keys.accessKeyId,
    secretAccessKey: keys.secretAccessKey,
    ...(keys.sessionToken === undefined ? {} : { sessionToken: keys.sessionToken }),
    region: 'us-east-1',
    endpoint: ownSandbox.endpoint(),
  });
  await connections.useForThisRunOnly.first().click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Added “Expired session”.' }),
  ).toBeVisible();
  await connections.connectionSwitcher.selectOption({ label: 'Expired session' });

  const customers = new CustomersPage(page);
  await customers.open();
  // Any well-formed token: AWS refuses the signature before it looks at the token.
  await customers.pasteBox.fill(
    'x-amzn-marketplace-token=QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx',
  );
  await customers.resolveButton.click();

  const failure = customers.failure;
  await expect(failure).toContainText(
    'This connection’s credentials have expired — not the buyer’s registration token.',
  );
  await expect(failure).toContainText('The buyer does not need to do anything.');
  await expect(failure).toContainText('Refresh the credentials of this connection');
  await expect(failure).not.toContainText('The registration token has expired.');
  const how = failure.getByRole('list', { name: 'How this was decided' });
  await expect(how).toContainText('HTTP 403');
  await expect(how).toContainText('The security token included in the request is expired');
  await expect(how).toContainText('GetCallerIdentity with the same credentials failed too');
  await failure.getByText('Technical details').click();
  await expect(failure.locator('pre')).toContainText('CREDENTIALS_EXPIRED');
  await screenshot(page, 'customers-expired-credentials');
});
