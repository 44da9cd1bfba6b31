// (4) The browser host's API refuses calls that do not carry the launch token.
import { expect, test } from '../fixtures';

test('an API call without the token is refused with 401', async ({ mdesk, request }) => {
  test.skip(mdesk.kind !== 'browser', 'The Electron host has no HTTP API.');
  const origin = mdesk.origin ?? '';
  const token = mdesk.token ?? '';

  const withoutToken = await request.post(`${origin}/api/app:info`, { data: {} });
  expect(withoutToken.status()).toBe(401);
  const body: unknown = await withoutToken.json();
  expect(body).toMatchObject({ ok: false });
  expect(JSON.stringify(body)).not.toContain(token);

  const wrongToken = await request.post(`${origin}/api/settings:get`, {
    data: {},
    headers: { Authorization: 'Bearer not-the-launch-token-0123456789' },
  });
  expect(wrongToken.status()).toBe(401);

  const events = await request.get(`${origin}/api/events`, { timeout: 5_000 });
  expect(events.status()).toBe(401);

  // The same call with the token is answered, so the 401s above are about the token alone.
  const withToken = await request.post(`${origin}/api/app:info`, {
    data: {},
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(withToken.status()).toBe(200);
  expect(await withToken.json()).toMatchObject({ ok: true, value: { name: 'Meterdesk' } });
});
