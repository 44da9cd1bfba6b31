import { describe, expect, it } from 'vitest';
import { diagnoseToken, extractRegistrationToken, type TokenSource } from './tokens';

/** expect.stringMatching, typed: the matcher object is opaque to the test. */
const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);

// Base64-like, with every character form encoding must escape.
const TOKEN = 'AbCdEfGhIjKlMnOpQrSt+UvWxYz0123456789/aBcDeFgHiJkLmNoPqRsTuVwX==';
const ENCODED = TOKEN.replace(/\+/g, '%2B').replace(/\//g, '%2F').replace(/=/g, '%3D');
const PLAIN = 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4';

type Row = {
  name: string;
  pasted: string;
  token: string;
  source: TokenSource;
  offerType?: string;
  step?: RegExp;
};

const rows: Row[] = [
  {
    name: 'raw token with + / =',
    pasted: TOKEN,
    token: TOKEN,
    source: 'raw',
    step: /never decoded/,
  },
  {
    name: 'raw token in quotes, whitespace and newlines',
    pasted: `\n  "${TOKEN}"  \n`,
    token: TOKEN,
    source: 'raw',
    step: /Removed surrounding quotes/,
  },
  {
    name: 'raw token wrapped across lines in an e-mail',
    pasted: `${TOKEN.slice(0, 30)}\r\n${TOKEN.slice(30)}`,
    token: TOKEN,
    source: 'raw',
    step: /Removed 1 line break/,
  },
  {
    name: 'form body, correctly encoded',
    pasted: `x-amzn-marketplace-token=${ENCODED}`,
    token: TOKEN,
    source: 'form-body',
    step: /URL-decoded once \(4 escapes/,
  },
  {
    name: 'form body with the free-trial offer type, fields in any order',
    pasted: `x-amzn-marketplace-offer-type=free-trial&x-amzn-marketplace-token=${ENCODED}`,
    token: TOKEN,
    source: 'form-body',
    offerType: 'free-trial',
  },
  {
    name: 'form body in quotes',
    pasted: `'x-amzn-marketplace-token=${ENCODED}'`,
    token: TOKEN,
    source: 'form-body',
  },
  {
    name: 'URL with the token in the query',
    pasted: `https://saas.example.com/register?x-amzn-marketplace-token=${ENCODED}&x-amzn-marketplace-offer-type=free-trial`,
    token: TOKEN,
    source: 'url',
    offerType: 'free-trial',
  },
  {
    name: 'curl -d',
    pasted: `curl -X POST https://saas.example.com/register \\\n  -H 'Content-Type: application/x-www-form-urlencoded' \\\n  -d 'x-amzn-marketplace-token=${ENCODED}'`,
    token: TOKEN,
    source: 'curl',
    step: /curl -d/,
  },
  {
    name: 'curl --data-raw with offer type',
    pasted: `$ curl https://x.example/r --data-raw "x-amzn-marketplace-token=${ENCODED}&x-amzn-marketplace-offer-type=free-trial"`,
    token: TOKEN,
    source: 'curl',
    offerType: 'free-trial',
  },
  {
    name: 'curl --data-urlencode carries the decoded token',
    pasted: `curl https://x.example/r --data-urlencode 'x-amzn-marketplace-token=${TOKEN}'`,
    token: TOKEN,
    source: 'curl',
    step: /without URL-decoding/,
  },
  {
    name: 'HAR entry with postData.params (encoded)',
    pasted: JSON.stringify({
      log: {
        entries: [
          {
            request: {
              method: 'POST',
              url: 'https://saas.example.com/register',
              postData: {
                mimeType: 'application/x-www-form-urlencoded',
                params: [
                  { name: 'x-amzn-marketplace-token', value: ENCODED },
                  { name: 'x-amzn-marketplace-offer-type', value: 'free-trial' },
                ],
                text: `x-amzn-marketplace-token=${ENCODED}`,
              },
            },
          },
        ],
      },
    }),
    token: TOKEN,
    source: 'har',
    offerType: 'free-trial',
  },
  {
    name: 'HAR request with postData.text only',
    pasted: JSON.stringify({
      method: 'POST',
      url: 'https://saas.example.com/register',
      postData: {
        mimeType: 'application/x-www-form-urlencoded',
        text: `x-amzn-marketplace-token=${ENCODED}`,
      },
    }),
    token: TOKEN,
    source: 'har',
  },
  {
    name: 'HAR params already decoded by the exporter',
    pasted: JSON.stringify({
      request: {
        method: 'POST',
        url: 'https://x/r',
        postData: { params: [{ name: 'x-amzn-marketplace-token', value: TOKEN }] },
      },
    }),
    token: TOKEN,
    source: 'har',
    step: /without URL-decoding/,
  },
  {
    name: 'JSON ResolveCustomer input',
    pasted: JSON.stringify({ RegistrationToken: TOKEN }),
    token: TOKEN,
    source: 'json',
  },
  {
    name: 'log line with the raw body and offer-type',
    pasted: `2026-08-01T10:00:00Z INFO POST /register body x-amzn-marketplace-token=${ENCODED} offer-type=free-trial`,
    token: TOKEN,
    source: 'log-line',
    offerType: 'free-trial',
  },
  {
    name: 'form body copied with surrounding whitespace and a trailing CRLF',
    pasted: `\r\n  x-amzn-marketplace-token=${ENCODED}\r\n`,
    token: TOKEN,
    source: 'form-body',
    step: /^Trimmed surrounding whitespace\n[\s\S]*URL-decoded once/,
  },
  {
    name: 'raw HTTP request as captured (headers, blank line, form body)',
    pasted: `POST /register HTTP/1.1\r\nHost: saas.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nx-amzn-marketplace-token=${ENCODED}&x-amzn-marketplace-offer-type=free-trial`,
    token: TOKEN,
    source: 'log-line',
    offerType: 'free-trial',
    step: /URL-decoded once/,
  },
  {
    name: 'URL with the token in the fragment',
    pasted: `https://saas.example.com/register#x-amzn-marketplace-token=${ENCODED}`,
    token: TOKEN,
    source: 'url',
  },
  {
    name: 'log line with the parsed (decoded) value',
    pasted: `[register] x-amzn-marketplace-token: "${TOKEN}" resolved=false`,
    token: TOKEN,
    source: 'log-line',
  },
];

describe('extractRegistrationToken', () => {
  it.each(rows)('$name', (row) => {
    const result = extractRegistrationToken(row.pasted);
    if (!result.ok) throw new Error(result.reason);
    expect(result.token).toBe(row.token);
    expect(result.source).toBe(row.source);
    expect(result.offerType).toBe(row.offerType);
    if (row.step) expect(result.steps.join('\n')).toMatch(row.step);
    expect(result.warnings).toEqual([]);
  });

  it('never decodes a raw token, so an encoded paste is flagged, not silently changed', () => {
    const result = extractRegistrationToken(ENCODED);
    expect(result).toMatchObject({ ok: true, token: ENCODED, source: 'raw' });
    if (result.ok) expect(result.warnings.join(' ')).toMatch(/looks URL-encoded/);
  });

  it('decodes a doubly encoded form body exactly once and says it was encoded twice', () => {
    const twice = ENCODED.replace(/%/g, '%25');
    const result = extractRegistrationToken(`x-amzn-marketplace-token=${twice}`);
    expect(result).toMatchObject({ ok: true, token: ENCODED, source: 'form-body' });
    if (result.ok) expect(result.warnings.join(' ')).toMatch(/still contains %2B/);
    expect(diagnoseToken(twice).notes.join(' ')).toMatch(/encoded twice/);
  });

  it('keeps a literal + in a form body as + and warns that the sender did not encode it', () => {
    const result = extractRegistrationToken(`x-amzn-marketplace-token=${TOKEN}`);
    expect(result).toMatchObject({ ok: true, token: TOKEN });
    if (result.ok) {
      expect(result.steps).toContain('Kept literal "+" as "+"');
      expect(result.warnings.join(' ')).toMatch(/did not encode "\+" as %2B/);
    }
  });

  it('flags a token whose + became a space and a truncated one', () => {
    const mangled = extractRegistrationToken(TOKEN.replace('+', ' '));
    expect(mangled).toMatchObject({ ok: true, source: 'raw' });
    if (mangled.ok)
      expect(mangled.warnings.join(' ')).toMatch(/"\+" was probably turned into a space/);

    const cut = extractRegistrationToken(`x-amzn-marketplace-token=${ENCODED.slice(0, 50)}`);
    expect(cut.ok).toBe(true);
    if (cut.ok) expect(cut.warnings.join(' ')).toMatch(/truncated|missing|cut off/);
  });

  it('refuses an empty paste, garbage and a form without the field', () => {
    expect(extractRegistrationToken('  \n ')).toEqual({ ok: false, reason: 'Nothing was pasted.' });
    expect(
      extractRegistrationToken('Hi team, the customer says the sign-up page is broken!').ok,
    ).toBe(false);
    expect(extractRegistrationToken('<html><body>nope</body></html>').ok).toBe(false);
    expect(extractRegistrationToken('a=1&b=2')).toMatchObject({
      ok: false,
      reason: matching(/without an x-amzn-marketplace-token/),
    });
    expect(extractRegistrationToken('https://saas.example.com/register?foo=bar')).toMatchObject({
      ok: false,
    });
    expect(extractRegistrationToken('{"hello": "world"}')).toMatchObject({ ok: false });
    expect(extractRegistrationToken('x-amzn-marketplace-token=')).toMatchObject({
      ok: false,
      reason: matching(/empty/),
    });
  });
});

describe('diagnoseToken', () => {
  it('passes a plausible token', () => {
    expect(diagnoseToken(TOKEN)).toEqual({
      looksTruncated: false,
      looksDoubleDecoded: false,
      looksStillEncoded: false,
      notes: [],
    });
    expect(diagnoseToken(PLAIN).notes).toEqual([]);
  });

  it('spots truncation: short, cut inside an escape, base64 length off', () => {
    expect(diagnoseToken('AbC+dEf/').looksTruncated).toBe(true);
    expect(diagnoseToken(ENCODED.slice(0, -1)).looksTruncated).toBe(true);
    expect(diagnoseToken(TOKEN.slice(0, -3)).looksTruncated).toBe(true);
  });

  it('spots double decoding and leftover encoding', () => {
    expect(diagnoseToken(TOKEN.replace('+', ' ')).looksDoubleDecoded).toBe(true);
    expect(diagnoseToken(ENCODED).looksStillEncoded).toBe(true);
  });
});
