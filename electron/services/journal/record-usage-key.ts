// The usage key (shared/billing.ts: seller account, region, product or license, customer,
// dimension, UTC hour) of a record as the journal holds it, so two submissions can tell they
// carried the same usage: what one never sent, another may have sent later.
import { usageKey } from '../../../shared/billing';
import type { JournalContext, JournalOperation } from '../../../shared/journal';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function journalRecordUsageKey(
  context: JournalContext,
  operation: JournalOperation | undefined,
  productCode: string | undefined,
  record: Readonly<Record<string, unknown>>,
): string {
  const time = Date.parse(text(record.Timestamp) ?? '');
  return usageKey({
    accountId: context.account,
    region: context.region,
    productCode: productCode ?? text(record.ProductCode),
    licenseArn: text(record.LicenseArn),
    customerIdentifier: text(record.CustomerIdentifier),
    // MeterUsage bills the seller's own account: the record names no customer.
    customerAwsAccountId:
      text(record.CustomerAWSAccountId) ??
      (operation === 'MeterUsage' ? context.account : undefined),
    dimension: text(record.Dimension) ?? text(record.UsageDimension) ?? '',
    usageTime: Number.isFinite(time) ? time : null,
  });
}
