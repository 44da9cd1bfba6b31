// Counts the characters the built-in string and regular-expression functions look at while a
// piece of code runs: a measure of work that does not depend on the machine's speed or load, so
// a test can say "linear in the input" without timing anything. Test-only: it patches
// prototypes for the duration of one call and restores them.

type Patch = { owner: object; name: string; original: unknown };

const STRING_WALKERS = [
  'trim',
  'trimStart',
  'trimEnd',
  'toLowerCase',
  'toUpperCase',
  'normalize',
] as const;
const STRING_SEARCHES = ['includes', 'indexOf', 'lastIndexOf', 'startsWith', 'endsWith'] as const;
const STRING_COPIES = ['slice', 'substring', 'substr'] as const;

export type Metered<T> = { result: T; scanned: number };

/**
 * Runs `work` and counts: whole-string walks (trim, case changes) by the string's length;
 * searches by the distance searched; copies by the copy's length; regular-expression matching by
 * the characters between where a search starts and where its match ends (or the string ends);
 * JSON.parse by the text's length.
 */
export function meterScans<T>(work: () => T): Metered<T> {
  let scanned = 0;
  const patches: Patch[] = [];
  const patch = (owner: object, name: string, wrap: (original: never) => unknown): void => {
    const original = (owner as Record<string, unknown>)[name];
    patches.push({ owner, name, original });
    Object.defineProperty(owner, name, {
      value: wrap(original as never),
      writable: true,
      configurable: true,
    });
  };

  // eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(regex)
  const exec = RegExp.prototype.exec;
  patch(RegExp.prototype, 'exec', () => {
    return function (this: RegExp, text: string): RegExpExecArray | null {
      const from = this.global || this.sticky ? this.lastIndex : 0;
      const match = exec.call(this, text);
      if (this.sticky) scanned += match ? Math.max(1, match[0].length) : 1;
      else scanned += match ? match.index + match[0].length - from : text.length - from;
      return match;
    };
  });
  for (const name of STRING_WALKERS) {
    patch(String.prototype, name, (original: (this: string, ...a: unknown[]) => unknown) => {
      return function (this: string, ...args: unknown[]): unknown {
        scanned += this.length;
        return original.apply(this, args);
      };
    });
  }
  for (const name of STRING_SEARCHES) {
    patch(String.prototype, name, (original: (this: string, ...a: unknown[]) => unknown) => {
      return function (this: string, ...args: unknown[]): unknown {
        const result = original.apply(this, args);
        const from = typeof args[1] === 'number' ? args[1] : 0;
        scanned += typeof result === 'number' && result >= 0 ? result - from + 1 : this.length;
        return result;
      };
    });
  }
  for (const name of STRING_COPIES) {
    patch(String.prototype, name, (original: (this: string, ...a: unknown[]) => string) => {
      return function (this: string, ...args: unknown[]): string {
        const result = original.apply(this, args);
        scanned += result.length;
        return result;
      };
    });
  }
  patch(String.prototype, 'charCodeAt', (original: (this: string, i: number) => number) => {
    return function (this: string, index: number): number {
      scanned += 1;
      return original.call(this, index);
    };
  });
  patch(String.prototype, 'charAt', (original: (this: string, i: number) => string) => {
    return function (this: string, index: number): string {
      scanned += 1;
      return original.call(this, index);
    };
  });
  patch(JSON, 'parse', (original: (text: string, reviver?: unknown) => unknown) => {
    return function (text: string, reviver?: unknown): unknown {
      scanned += text.length;
      return original(text, reviver);
    };
  });
  try {
    const result = work();
    return { result, scanned };
  } finally {
    for (const { owner, name, original } of patches.reverse()) {
      Object.defineProperty(owner, name, { value: original, writable: true, configurable: true });
    }
  }
}
