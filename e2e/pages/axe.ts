// axe-core against what the user sees right now: every serious or critical violation fails, and
// so does `region` (content outside any landmark), whatever its impact.
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';

type Finding = { id: string; impact: string; help: string; targets: string[] };

export async function axeFindings(page: Page): Promise<Finding[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'region')
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
}

/** Runs axe on the page as it is and fails with the findings, named by `state`. */
export async function expectAccessible(
  page: Page,
  state: string,
  testInfo?: TestInfo,
): Promise<void> {
  const findings = await axeFindings(page);
  if (findings.length > 0 && testInfo) {
    await testInfo.attach(`axe-${state}`, {
      body: JSON.stringify(findings, null, 2),
      contentType: 'application/json',
    });
  }
  expect(findings, `axe findings on ${state}`).toEqual([]);
}
