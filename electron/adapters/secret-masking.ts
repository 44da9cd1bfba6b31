// The log's last line of defence: callers never pass secrets, and anything that still looks
// like one is masked before a line reaches the disk. Two kinds of rule: a value named by a
// secret-sounding key (any shape, so a 16-character secret is caught as surely as a long one),
// and the shapes AWS credentials and tokens have wherever they appear in free text.

const REDACTED = '[redacted]';

/** Keys whose value is a secret whatever it looks like. */
const SECRET_KEY_NAMES = [
  'aws_secret_access_key',
  'secret_?access_?key',
  'secret',
  'aws_session_token',
  'session_?token',
  'security_?token',
  'x-amz-security-token',
  'x-amzn-marketplace-token',
  'registration_?token',
  'token',
  'password',
  'authorization',
].join('|');

/** `replace` gets the rule's capture groups (only rules with groups use them). */
type Rule = { shape: RegExp; replace: (groups: readonly string[]) => string };

const rules: Rule[] = [
  // "secretAccessKey":"…" in JSON fields (any casing, quoted value).
  {
    shape: new RegExp(
      `("(?:[\\w-]*?)(?:${SECRET_KEY_NAMES})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)(")`,
      'gi',
    ),
    replace: ([open = '', , close = '']) => `${open}${REDACTED}${close}`,
  },
  // Authorization: Bearer … / Basic … and the like, before the key=value rule reads "Bearer".
  {
    shape: /\b(Bearer|Basic|AWS4-HMAC-SHA256)(\s+)[^\s"',;]+/gi,
    replace: ([scheme = '', space = '']) => `${scheme}${space}${REDACTED}`,
  },
  // aws_secret_access_key = …, SessionToken: …, token=… in free text and query strings.
  {
    shape: new RegExp(
      `(\\b[\\w-]*?(?:${SECRET_KEY_NAMES})\\b\\s*[:=]\\s*)(?!\\[redacted\\])(?!Bearer\\b|Basic\\b)([^\\s"',;&]+)`,
      'gi',
    ),
    replace: ([prefix = '']) => `${prefix}${REDACTED}`,
  },
  // JWTs (registration tokens for some flows, SSO tokens): header.payload.signature.
  { shape: /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, replace: () => REDACTED },
  // Access key ids of any length AWS issues (AKIA…, ASIA…, and the other four-letter kinds).
  {
    shape: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{12,124}\b/g,
    replace: () => REDACTED,
  },
  // Long base64 runs: session tokens, Marketplace registration tokens, signed blobs.
  { shape: /(?<![\w+/=-])[A-Za-z0-9+/]{100,}={0,2}(?![\w+/=-])/g, replace: () => REDACTED },
  { shape: /(?<![\w+/=-])[A-Za-z0-9_-]{100,}(?![\w+/=-])/g, replace: () => REDACTED },
  // A bare secret access key: 16–200 characters of base64 with upper case, lower case and digits.
  // A path (it starts with /) is left alone.
  {
    shape:
      /(?<![\w+/=.-])(?!\/)(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*\d)[A-Za-z0-9+/]{16,200}(?![\w+/=-])/g,
    replace: () => REDACTED,
  },
];

export function maskSecrets(text: string): string {
  let masked = text;
  for (const rule of rules) {
    const groupCount = new RegExp(`${rule.shape.source}|`).exec('')?.length ?? 1;
    masked = masked.replace(rule.shape, (...args: unknown[]) =>
      rule.replace(
        args.slice(1, groupCount).map((group) => (typeof group === 'string' ? group : '')),
      ),
    );
  }
  return masked;
}
