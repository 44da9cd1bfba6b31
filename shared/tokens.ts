// Registration tokens as support staff receive them: raw, inside a form body, a URL, a curl
// command, a HAR entry, JSON or a log line. One extractor finds the token and says exactly which
// normalisations it applied, because a token decoded twice (or not at all) fails at AWS with an
// unhelpful InvalidTokenException.
//
// Decoding rule: a value taken from an encoded context (form body, query string, curl -d, HAR
// params, a log line showing the raw body) is URL-decoded exactly ONCE. A raw pasted token, a JSON
// string value, or a curl --data-urlencode / -F value is already decoded and is never touched.
// `+` always stays `+`: form encoding would read it as a space, but a token never contains spaces,
// and a correct encoder sends a token's `+` as %2B — a literal `+` means the sender skipped encoding.

export const TOKEN_FIELD = 'x-amzn-marketplace-token';
export const OFFER_TYPE_FIELD = 'x-amzn-marketplace-offer-type';

export type TokenSource = 'raw' | 'form-body' | 'url' | 'curl' | 'har' | 'json' | 'log-line';

export type TokenExtraction =
  | {
      ok: true;
      token: string;
      source: TokenSource;
      offerType?: string;
      /** Human-readable normalisations applied, in order. */
      steps: string[];
      /** Doubts about the result (see diagnoseToken), for the person to judge. */
      warnings: string[];
    }
  | { ok: false; reason: string };

export type TokenDiagnosis = {
  looksTruncated: boolean;
  /** Spaces where `+` belonged: decoded as a form one time too many, or `+` mangled. */
  looksDoubleDecoded: boolean;
  /** Still holds %2B/%2F/%3D (or %25…): not decoded, or encoded twice. */
  looksStillEncoded: boolean;
  notes: string[];
};

/** Shorter than this is unusual for a registration token. */
const MIN_PLAUSIBLE_LENGTH = 40;

export function diagnoseToken(token: string): TokenDiagnosis {
  const notes: string[] = [];
  const stillEncoded = /%(2B|2F|3D|25)/i.test(token);
  const doubleEncoded = /%25[0-9A-F]{2}/i.test(token);
  if (doubleEncoded) {
    notes.push(
      'It contains %25… escapes: it was URL-encoded twice; decoding once leaves %2B/%2F/%3D.',
    );
  } else if (stillEncoded) {
    notes.push(
      'It still contains %2B, %2F or %3D: it looks URL-encoded. Paste the whole form body, or decode it once.',
    );
  }
  const hasSpaces = / /.test(token);
  if (hasSpaces) {
    notes.push(
      'It contains spaces where a token has none: a "+" was probably turned into a space (decoded as a form twice).',
    );
  }
  let truncated = false;
  if (token.length < MIN_PLAUSIBLE_LENGTH) {
    truncated = true;
    notes.push(`It is only ${token.length} characters long: it may be truncated.`);
  }
  if (/%[0-9A-F]?$/i.test(token)) {
    truncated = true;
    notes.push('It ends in the middle of a %-escape: it was cut off.');
  }
  const base64 = /^[A-Za-z0-9+/]+={0,2}$/.test(token);
  const standardAlphabet = /[+/=]/.test(token);
  if (base64 && standardAlphabet && token.length % 4 !== 0) {
    truncated = true;
    notes.push(
      `Its length (${token.length}) is not a multiple of 4 although it uses base64 "+", "/" or "=": characters are probably missing.`,
    );
  }
  if (/=[^=]/.test(token.replace(/%3D/gi, '='))) {
    notes.push(
      'It has "=" before its end; base64 only pads at the end, so two tokens may be joined.',
    );
  }
  return {
    looksTruncated: truncated,
    looksDoubleDecoded: hasSpaces,
    looksStillEncoded: stillEncoded,
    notes,
  };
}

type Decoded = { value: string; escapes: number; invalid: number };

const utf8 = new TextDecoder();

/** One URL-decoding pass of %XX escapes (UTF-8); `+` is left alone (see the header). */
function decodeOnce(value: string): Decoded {
  let escapes = 0;
  const invalid = (value.match(/%(?![0-9A-Fa-f]{2})/g) ?? []).length;
  const decoded = value.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let index = 0; index < bytes.length; index += 1) {
      bytes[index] = Number.parseInt(run.slice(index * 3 + 1, index * 3 + 3), 16);
    }
    escapes += bytes.length;
    return utf8.decode(bytes);
  });
  return { value: decoded, escapes, invalid };
}

/** Decodes a form name or an offer type, where `+` really is a space. */
function decodeFormText(value: string): string {
  return decodeOnce(value.replace(/\+/g, ' ')).value;
}

type Found = { value: string; encoded: boolean; via: string };

function formFields(body: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const name = decodeFormText(at < 0 ? pair : pair.slice(0, at))
      .trim()
      .toLowerCase();
    const value = at < 0 ? '' : pair.slice(at + 1);
    const values = fields.get(name);
    if (values) values.push(value);
    else fields.set(name, [value]);
  }
  return fields;
}

type Collected = { found: Found[]; offerType?: string };

function fromForm(body: string, via: string, encoded = true): Collected {
  const fields = formFields(body);
  const offer = fields.get(OFFER_TYPE_FIELD)?.[0];
  return {
    found: (fields.get(TOKEN_FIELD) ?? []).map((value) => ({ value, encoded, via })),
    ...(offer === undefined ? {} : { offerType: decodeFormText(offer) }),
  };
}

function queryOf(url: string): string | undefined {
  const query = /\?([^#]*)/.exec(url)?.[1];
  const fragment = /#(.*)$/.exec(url)?.[1];
  const parts = [query, fragment].filter((part): part is string => part !== undefined);
  return parts.length ? parts.join('&') : undefined;
}

function merge(into: Collected, more: Collected): void {
  into.found.push(...more.found);
  if (into.offerType === undefined && more.offerType !== undefined) into.offerType = more.offerType;
}

/** Splits a shell command into words: quotes, backslash escapes and line continuations. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let index = 0;
  const text = command.replace(/\\\r?\n/g, ' ');
  while (index < text.length) {
    const char = text.charAt(index);
    if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      index += 1;
    } else if (char === "'") {
      const end = text.indexOf("'", index + 1);
      const stop = end < 0 ? text.length : end;
      current += text.slice(index + 1, stop);
      inWord = true;
      index = stop + 1;
    } else if (char === '"') {
      index += 1;
      while (index < text.length && text.charAt(index) !== '"') {
        if (text.charAt(index) === '\\' && /["\\$`]/.test(text.charAt(index + 1))) index += 1;
        current += text.charAt(index);
        index += 1;
      }
      inWord = true;
      index += 1;
    } else if (char === '\\') {
      current += text.charAt(index + 1);
      inWord = true;
      index += 2;
    } else {
      current += char;
      inWord = true;
      index += 1;
    }
  }
  if (inWord) words.push(current);
  return words;
}

const CURL_DATA = ['-d', '--data', '--data-raw', '--data-binary', '--data-ascii'];

function fromCurl(command: string): Collected {
  const words = shellWords(command.replace(/^\s*\$\s*/, ''));
  const collected: Collected = { found: [] };
  const data: string[] = [];
  for (let index = 1; index < words.length; index += 1) {
    const word = words[index] ?? '';
    const next = words[index + 1];
    const option = (names: string[]): string | undefined => {
      for (const name of names) {
        if (word === name && next !== undefined) {
          index += 1;
          return next;
        }
        if (name.startsWith('--') && word.startsWith(`${name}=`))
          return word.slice(name.length + 1);
        if (!name.startsWith('--') && word.startsWith(name) && word.length > name.length) {
          return word.slice(name.length);
        }
      }
      return undefined;
    };
    const dataValue = option(CURL_DATA);
    if (dataValue !== undefined) {
      data.push(dataValue);
      continue;
    }
    const urlencode = option(['--data-urlencode']);
    if (urlencode !== undefined) {
      // curl encodes the content itself, so what is written here is the decoded token.
      const at = urlencode.indexOf('=');
      const name = at < 0 ? '' : urlencode.slice(0, at);
      const content = at < 0 ? urlencode : urlencode.slice(at + 1);
      if (name.toLowerCase() === TOKEN_FIELD) {
        collected.found.push({ value: content, encoded: false, via: 'curl --data-urlencode' });
      } else if (name.toLowerCase() === OFFER_TYPE_FIELD) {
        collected.offerType ??= content;
      }
      continue;
    }
    const form = option(['-F', '--form']);
    if (form !== undefined) {
      const at = form.indexOf('=');
      if (at > 0 && form.slice(0, at).toLowerCase() === TOKEN_FIELD) {
        collected.found.push({ value: form.slice(at + 1), encoded: false, via: 'curl -F' });
      }
      continue;
    }
    const url = option(['--url']) ?? (word.startsWith('-') ? undefined : word);
    const query = url === undefined ? undefined : queryOf(url);
    if (query !== undefined) merge(collected, fromForm(query, 'the URL in the curl command'));
  }
  if (data.length) merge(collected, fromForm(data.join('&'), 'curl -d form data'));
  return collected;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nameValuePairs(list: unknown): Array<{ name: string; value: string }> {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) =>
    isRecord(item) && typeof item.name === 'string' && typeof item.value === 'string'
      ? [{ name: item.name, value: item.value }]
      : [],
  );
}

/** Walks parsed JSON: HAR requests first (postData, url, queryString), then plain token keys. */
function fromJson(root: unknown): Collected & { har: boolean } {
  const collected: Collected & { har: boolean } = { found: [], har: false };
  const plain: Found[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isRecord(node)) return;
    const postData = node.postData;
    if (isRecord(postData)) {
      collected.har = true;
      const params = nameValuePairs(postData.params);
      for (const param of params) {
        const name = param.name.toLowerCase();
        // HAR exporters differ on whether params are decoded; %XX escapes say which.
        if (name === TOKEN_FIELD) {
          collected.found.push({
            value: param.value,
            encoded: /%[0-9A-Fa-f]{2}/.test(param.value),
            via: 'HAR postData.params',
          });
        } else if (name === OFFER_TYPE_FIELD) {
          collected.offerType ??= decodeFormText(param.value);
        }
      }
      if (params.length === 0 && typeof postData.text === 'string') {
        merge(collected, fromForm(postData.text, 'HAR postData.text'));
      }
    }
    if (typeof node.url === 'string' && (isRecord(postData) || 'method' in node)) {
      collected.har = true;
      const query = queryOf(node.url);
      if (query !== undefined) merge(collected, fromForm(query, 'the HAR request URL'));
    }
    for (const [key, value] of Object.entries(node)) {
      const lower = key.toLowerCase();
      if (typeof value === 'string' && (lower === TOKEN_FIELD || lower === 'registrationtoken')) {
        plain.push({ value, encoded: false, via: `the JSON field "${key}"` });
      } else if (typeof value === 'string' && lower === OFFER_TYPE_FIELD) {
        collected.offerType ??= value;
      } else if (key !== 'postData') {
        visit(value);
      }
    }
  };
  visit(root);
  if (collected.found.length === 0) collected.found.push(...plain);
  return collected;
}

function fromLogLine(line: string): Collected {
  const collected: Collected = { found: [] };
  const pattern = /x-amzn-marketplace-token["']?\s*[=:]\s*["']?([^\s"'&,;}\]]+)/gi;
  for (const match of line.matchAll(pattern)) {
    const value = match[1] ?? '';
    // A log of the raw body shows escapes (decode once); a log of the parsed value shows none.
    collected.found.push({ value, encoded: /%[0-9A-Fa-f]{2}/.test(value), via: 'the log line' });
  }
  const offer = /(?:x-amzn-marketplace-)?offer-type["']?\s*[=:]\s*["']?([A-Za-z0-9_-]+)/i.exec(
    line,
  );
  if (offer?.[1] !== undefined) collected.offerType = offer[1];
  return collected;
}

/** " ' ` and the curly quotes “ ” ‘ ’. */
function isQuote(code: number): boolean {
  return (
    code === 0x22 ||
    code === 0x27 ||
    code === 0x60 ||
    code === 0x201c ||
    code === 0x201d ||
    code === 0x2018 ||
    code === 0x2019
  );
}

/** The characters String.prototype.trim removes (white space and line terminators). */
function isTrimmed(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : `${n.toLocaleString('en-US')} ${many}`;
}

/**
 * Whitespace and quotes around (and line breaks inside) a pasted value. One pass from both ends,
 * so a paste of a million quote marks costs a million steps, not a million copies of the paste;
 * the steps say how many layers came off.
 */
function unwrap(value: string, steps: string[]): string {
  let start = 0;
  let end = value.length;
  let trims = 0;
  // Layers by quote pair (open code × 0x10000 + close code), in the order first seen; a run of
  // the same pair is counted in locals (a paste of a million quote marks is one run).
  const layers = new Map<number, number>();
  let runPair = -1;
  let runLength = 0;
  for (;;) {
    const before = end - start;
    while (start < end && isTrimmed(value.charCodeAt(start))) start += 1;
    while (end > start && isTrimmed(value.charCodeAt(end - 1))) end -= 1;
    if (end - start !== before) trims += 1;
    if (end - start < 2) break;
    const open = value.charCodeAt(start);
    const close = value.charCodeAt(end - 1);
    if (!isQuote(open) || !isQuote(close)) break;
    const pair = open * 0x10000 + close;
    if (pair !== runPair) {
      if (runLength > 0) layers.set(runPair, (layers.get(runPair) ?? 0) + runLength);
      runPair = pair;
      runLength = 0;
    }
    // Peel every layer of this same pair at once (tight loops, no whitespace between them).
    let depth = 1;
    while (
      end - start - 2 * depth >= 2 &&
      value.charCodeAt(start + depth) === open &&
      value.charCodeAt(end - 1 - depth) === close
    ) {
      depth += 1;
    }
    runLength += depth;
    start += depth;
    end -= depth;
  }
  if (runLength > 0) layers.set(runPair, (layers.get(runPair) ?? 0) + runLength);
  if (trims > 0) {
    steps.push(
      trims === 1
        ? 'Trimmed surrounding whitespace'
        : `Trimmed surrounding whitespace (${trims.toLocaleString('en-US')} times, between quotes)`,
    );
  }
  for (const [pair, count] of layers) {
    const quotes = `${String.fromCharCode(Math.floor(pair / 0x10000))}…${String.fromCharCode(pair % 0x10000)}`;
    steps.push(
      `Removed ${plural(count, 'surrounding quotes', 'layers of surrounding quotes')} (${quotes})`,
    );
  }
  const inner = value.slice(start, end);
  // Split, not one regex over spaces and breaks: that would rescan long runs of spaces.
  const pieces = inner.split(/[\r\n\t]+/);
  const breaks = pieces.length - 1;
  if (breaks === 0) return inner;
  steps.push(`Removed ${breaks} line break${breaks === 1 ? '' : 's'} inside the token`);
  return pieces
    .map((piece, i) => {
      const left = i === 0 ? piece : piece.trimStart();
      return i === breaks ? left : left.trimEnd();
    })
    .join('');
}

function looksLikeToken(value: string): boolean {
  if (value.length === 0) return false;
  if (!/^[A-Za-z0-9+/=_\-.~%:! ]+$/.test(value)) return false;
  // A token mangled by double decoding has a space where a '+' was (about 1 in 64 characters);
  // prose has one every few characters.
  let spaces = 0;
  for (let i = value.indexOf(' '); i >= 0; i = value.indexOf(' ', i + 1)) spaces += 1;
  return spaces * 16 <= value.length;
}

function finish(source: TokenSource, collected: Collected, steps: string[]): TokenExtraction {
  const first = collected.found[0];
  if (first === undefined) {
    return {
      ok: false,
      reason: `No ${TOKEN_FIELD} field was found in the pasted ${sourceLabel[source]}.`,
    };
  }
  const warnings: string[] = [];
  const distinct = new Set(collected.found.map((found) => found.value));
  if (distinct.size > 1) {
    warnings.push(`The paste holds ${distinct.size} different tokens; the first one was used.`);
  }
  steps.push(`Read ${TOKEN_FIELD} from ${first.via}`);
  let token = first.value;
  if (first.encoded) {
    const decoded = decodeOnce(token);
    token = decoded.value;
    steps.push(
      decoded.escapes > 0
        ? `URL-decoded once (${decoded.escapes} escape${decoded.escapes === 1 ? '' : 's'}, e.g. %2B → +, %2F → /, %3D → =)`
        : 'URL-decoded once (there were no %-escapes, so nothing changed)',
    );
    if (decoded.invalid > 0) warnings.push('It contains a "%" that is not a valid %-escape.');
    if (first.value.includes('+')) {
      steps.push('Kept literal "+" as "+"');
      warnings.push(
        'The encoded value held a literal "+". Form decoding would turn it into a space, which no token contains, so it was kept as "+"; whoever encoded it did not encode "+" as %2B.',
      );
    }
  } else {
    steps.push('Used as is, without URL-decoding (the value was already decoded)');
  }
  const trimmed = token.trim();
  if (trimmed !== token) {
    steps.push('Trimmed surrounding whitespace');
    token = trimmed;
  }
  if (token.length === 0) return { ok: false, reason: `The ${TOKEN_FIELD} field is empty.` };
  warnings.push(...diagnoseToken(token).notes);
  return {
    ok: true,
    token,
    source,
    ...(collected.offerType === undefined ? {} : { offerType: collected.offerType }),
    steps,
    warnings,
  };
}

const sourceLabel: Record<TokenSource, string> = {
  raw: 'text',
  'form-body': 'form body',
  url: 'URL',
  curl: 'curl command',
  har: 'HAR entry',
  json: 'JSON',
  'log-line': 'log line',
};

export function extractRegistrationToken(pasted: string): TokenExtraction {
  const trimmed = pasted.trim();
  if (trimmed.length === 0) return { ok: false, reason: 'Nothing was pasted.' };
  const steps: string[] = [];
  // Every shape but the raw token (whose unwrap() reports it) says it trimmed the paste.
  const trimmedStep = (): void => {
    if (trimmed !== pasted) steps.push('Trimmed surrounding whitespace');
  };

  if (/^[[{]/.test(trimmed)) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      const collected = fromJson(parsed);
      trimmedStep();
      return finish(collected.har ? 'har' : 'json', collected, steps);
    } catch {
      // Not JSON after all (e.g. a log line that starts with a bracket): try the other shapes.
    }
  }
  if (/^(\$\s*)?curl\s/i.test(trimmed)) {
    trimmedStep();
    return finish('curl', fromCurl(trimmed), steps);
  }

  const mentionsField = /x-amzn-marketplace-token/i.test(trimmed);
  const singleWord = !/\s/.test(trimmed);
  const isUrl =
    singleWord && (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) || /^\/\S*\?/.test(trimmed));
  if (isUrl) {
    trimmedStep();
    const query = queryOf(trimmed);
    return finish(
      'url',
      query === undefined ? { found: [] } : fromForm(query, 'the URL query'),
      steps,
    );
  }
  if (mentionsField) {
    trimmedStep();
    const unwrapSteps: string[] = [];
    const unquoted = unwrap(trimmed, unwrapSteps);
    if (!/\s/.test(unquoted) && /x-amzn-marketplace-token=/i.test(unquoted)) {
      steps.push(...unwrapSteps);
      return finish('form-body', fromForm(unquoted, 'the form body'), steps);
    }
    return finish('log-line', fromLogLine(trimmed), steps);
  }
  if (/^[^=&\s]+=[^&\s]*&/.test(trimmed)) {
    return { ok: false, reason: `This is a form body without an ${TOKEN_FIELD} field.` };
  }

  const token = unwrap(pasted, steps);
  if (!looksLikeToken(token)) {
    return {
      ok: false,
      reason:
        'This does not look like a registration token: a token is one long run of letters, digits and + / = characters.',
    };
  }
  steps.push('Used as is, without URL-decoding (a pasted raw token is never decoded)');
  return { ok: true, token, source: 'raw', steps, warnings: diagnoseToken(token).notes };
}
