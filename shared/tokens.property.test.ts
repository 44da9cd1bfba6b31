// Properties of registration-token extraction (AWS-FACTS §1.5: the buyer's browser posts the
// token as the form field x-amzn-marketplace-token; read it with a form parser, which decodes
// once). Whatever a support person pastes around a valid token — quotes, whitespace, line breaks,
// a form body, a URL, a curl command, JSON, a HAR entry, a log line — the token comes out
// unchanged, and the work done is linear in the paste: characters scanned by the built-in string
// and regex functions, counted by shared/testing/scan-meter (not wall time).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meterScans } from './testing/scan-meter';
import { extractRegistrationToken, TOKEN_FIELD } from './tokens';

const SEED = 20_260_715;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Tokens as AWS issues them look like base64: letters, digits, + and /, padded with =. */
const token = fc
  .array(fc.constantFrom(...BASE64.split('')), { minLength: 40, maxLength: 240 })
  .chain((chars) => {
    const body = chars.join('');
    const pad = (4 - (body.length % 4)) % 4;
    return fc.constant(`${body}${'='.repeat(pad)}`);
  });

const QUOTE_PAIRS = [
  ['"', '"'],
  ["'", "'"],
  ['`', '`'],
  ['\u201c', '\u201d'],
  ['\u2018', '\u2019'],
] as const;
const blank = fc.constantFrom('', ' ', '  ', '\n', '\r\n', '\t', ' \n ');

/** Layers of quotes and whitespace around a value, many thousands deep at times. */
const layers = fc.array(
  fc.record({
    quotes: fc.constantFrom(...QUOTE_PAIRS),
    repeat: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 500, max: 4000 })),
    outside: blank,
    inside: blank,
  }),
  { maxLength: 4 },
);

function wrapInLayers(value: string, wraps: LayerList): string {
  let text = value;
  for (const layer of wraps) {
    const [open, close] = layer.quotes;
    text = `${layer.outside}${open.repeat(layer.repeat)}${layer.inside}${text}${layer.inside}${close.repeat(layer.repeat)}${layer.outside}`;
  }
  return text;
}
type LayerList = {
  quotes: readonly [string, string];
  repeat: number;
  outside: string;
  inside: string;
}[];

/** A raw token broken across lines the way e-mail clients wrap long words. */
const lineBreaks = fc.array(
  fc.record({ at: fc.nat(), gap: fc.constantFrom('\n', '\r\n', '\n    ', ' \r\n\t') }),
  { maxLength: 3 },
);

function breakLines(value: string, breaks: { at: number; gap: string }[]): string {
  const cuts = [...new Set(breaks.map((b) => 1 + (b.at % (value.length - 1))))].sort(
    (a, b) => a - b,
  );
  let out = '';
  let from = 0;
  cuts.forEach((cut, i) => {
    out += value.slice(from, cut) + (breaks[i]?.gap ?? '\n');
    from = cut;
  });
  return out + value.slice(from);
}

const otherField = fc
  .tuple(fc.constantFrom('a', 'plan', 'utm_source', 'state'), fc.stringMatching(/^[a-z0-9]{0,12}$/))
  .map(([name, value]) => `${name}=${value}`);

const shapes = {
  raw: (t: string) =>
    fc
      .tuple(layers, lineBreaks)
      .map(([wraps, breaks]) => wrapInLayers(breakLines(t, breaks), wraps)),
  'form body': (t: string) =>
    fc
      .tuple(
        fc.array(otherField, { maxLength: 3 }),
        fc.array(otherField, { maxLength: 3 }),
        fc.boolean(),
      )
      .map(([before, after, trial]) =>
        [
          ...before,
          `${TOKEN_FIELD}=${encodeURIComponent(t)}`,
          ...(trial ? ['x-amzn-marketplace-offer-type=free-trial'] : []),
          ...after,
        ].join('&'),
      ),
  url: (t: string) =>
    fc
      .tuple(fc.array(otherField, { maxLength: 2 }), fc.constantFrom('?', '#'))
      .map(
        ([others, sep]) =>
          `https://saas.example.com/register${sep}${[...others, `${TOKEN_FIELD}=${encodeURIComponent(t)}`].join('&')}`,
      ),
  curl: (t: string) =>
    fc.constantFrom(
      `curl -X POST https://saas.example.com/register -d '${TOKEN_FIELD}=${encodeURIComponent(t)}'`,
      `curl https://saas.example.com/register \\\n  --data-urlencode '${TOKEN_FIELD}=${t}'`,
      `$ curl -F "${TOKEN_FIELD}=${t}" https://saas.example.com/register`,
    ),
  json: (t: string) =>
    fc.constantFrom(
      JSON.stringify({ [TOKEN_FIELD]: t }),
      JSON.stringify({ body: { registrationToken: t } }, null, 2),
    ),
  har: (t: string) =>
    fc.constant(
      JSON.stringify({
        log: {
          entries: [
            {
              request: {
                method: 'POST',
                url: 'https://saas.example.com/register',
                postData: {
                  mimeType: 'application/x-www-form-urlencoded',
                  params: [{ name: TOKEN_FIELD, value: encodeURIComponent(t) }],
                },
              },
            },
          ],
        },
      }),
    ),
  'log line': (t: string) =>
    fc
      .constantFrom('INFO', 'DEBUG')
      .map(
        (level) =>
          `2026-07-15T11:00:00Z ${level} POST /register body ${TOKEN_FIELD}=${encodeURIComponent(t)} status=200`,
      ),
};

const shapeNames = Object.keys(shapes) as (keyof typeof shapes)[];
const wrapped = token.chain((t) =>
  fc
    .constantFrom(...shapeNames)
    .chain((shape) => shapes[shape](t).map((pasted) => ({ token: t, shape, pasted }))),
);

/** Characters scanned per character pasted, with room for a handful of passes per shape. */
const SCANS_PER_CHARACTER = 40;
const FIXED_SCANS = 20_000;

describe('token extraction, any wrapping', () => {
  it('extracts the token unchanged from any wrapping, scanning linearly in the paste', () => {
    fc.assert(
      fc.property(wrapped, ({ token: t, shape, pasted }) => {
        const { result, scanned } = meterScans(() => extractRegistrationToken(pasted));
        if (!result.ok) throw new Error(`${shape}: ${result.reason}`);
        expect(result.token).toBe(t);
        expect(scanned).toBeLessThanOrEqual(SCANS_PER_CHARACTER * pasted.length + FIXED_SCANS);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a paste of quote marks only is refused after one pass, however long', () => {
    const sizes = [10_000, 100_000];
    const per = sizes.map((n) => {
      const { result, scanned } = meterScans(() => extractRegistrationToken('"'.repeat(n)));
      expect(result.ok).toBe(false);
      return scanned / n;
    });
    // Ten times the paste, the same work per character.
    expect(per[1]).toBeLessThanOrEqual((per[0] ?? 0) * 1.1);
    expect(per[1]).toBeLessThanOrEqual(SCANS_PER_CHARACTER);
  });
});
