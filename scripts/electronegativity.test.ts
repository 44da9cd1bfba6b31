// The Electron hardening as a scanner sees it: @doyensec/electronegativity over the sources
// reports nothing of HIGH or MEDIUM severity at FIRM or CERTAIN confidence.
import { describe, expect, it } from 'vitest';
import { isBlocking, scanElectronApp, type ElectronegativityScan } from './electronegativity.mjs';

let scan: Promise<ElectronegativityScan> | undefined;
const scanned = (): Promise<ElectronegativityScan> => (scan ??= scanElectronApp());

describe('electronegativity', () => {
  it('runs its checks over every source file without a parse failure', async () => {
    const { checks, errors } = await scanned();
    expect(checks).toBeGreaterThan(30);
    expect(errors.filter((error) => !error.tolerable)).toEqual([]);
  }, 120_000);

  it('finds the window’s hardening where the window is created (no HIGH/MEDIUM at FIRM/CERTAIN)', async () => {
    const { findings } = await scanned();
    const blocking = findings
      .filter(isBlocking)
      .map((f) => `${f.id} ${f.severity}/${f.confidence} ${f.file}:${String(f.line)} ${f.sample}`);
    expect(blocking).toEqual([]);
  }, 120_000);

  it('would block the findings it reported before the hardening', () => {
    const finding = (id: string, severity: string, confidence: string) =>
      ({
        id,
        severity,
        confidence,
        file: 'electron/main/index.ts',
        line: 1,
        column: 0,
        sample: '',
      }) as Parameters<typeof isBlocking>[0];
    expect(isBlocking(finding('CONTEXT_ISOLATION_JS_CHECK', 'HIGH', 'FIRM'))).toBe(true);
    expect(isBlocking(finding('AUXCLICK_JS_CHECK', 'MEDIUM', 'FIRM'))).toBe(true);
    expect(isBlocking(finding('LIMIT_NAVIGATION_GLOBAL_CHECK', 'HIGH', 'CERTAIN'))).toBe(true);
    expect(isBlocking(finding('OPEN_EXTERNAL_JS_CHECK', 'MEDIUM', 'TENTATIVE'))).toBe(false);
    expect(isBlocking(finding('CSP_GLOBAL_CHECK', 'LOW', 'CERTAIN'))).toBe(false);
  });
});
