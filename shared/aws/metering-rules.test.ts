import { describe, expect, it } from 'vitest';
import {
  HOUR_MS,
  allocationsViolation,
  batchTimestampViolation,
  customerIdViolation,
  hourOf,
  isInt32Quantity,
  licenseArnViolation,
  meterUsageTimestampViolation,
  tagViolation,
} from './metering-rules';

const july1at = (h: number, m = 0): number => Date.UTC(2026, 6, 1, h, m);

describe('timestamp windows', () => {
  const now = Date.UTC(2026, 6, 15, 12, 0);

  it('BatchMeterUsage accepts < 24 h, rejects ≥ 24 h and the future', () => {
    expect(batchTimestampViolation(now - 23 * HOUR_MS, now)).toBeNull();
    expect(batchTimestampViolation(now - 24 * HOUR_MS, now)?.code).toBe(
      'TimestampOutOfBoundsException',
    );
    expect(batchTimestampViolation(now + HOUR_MS, now)?.message).toMatch(/future/);
  });

  it('BatchMeterUsage closes the previous month at 06:00 UTC on the 1st', () => {
    const lastHourOfJune = Date.UTC(2026, 5, 30, 23, 30);
    expect(batchTimestampViolation(lastHourOfJune, july1at(5, 59))).toBeNull();
    // Only 6.5 h old, yet past the cut-off.
    expect(batchTimestampViolation(lastHourOfJune, july1at(6))?.code).toBe(
      'TimestampOutOfBoundsException',
    );
    // Records of the new month are unaffected by the cut-off.
    expect(batchTimestampViolation(july1at(1), july1at(7))).toBeNull();
  });

  it('MeterUsage keeps the 6 h window', () => {
    expect(meterUsageTimestampViolation(now - 5 * HOUR_MS, now)).toBeNull();
    expect(meterUsageTimestampViolation(now - 6 * HOUR_MS, now)?.code).toBe(
      'TimestampOutOfBoundsException',
    );
    expect(meterUsageTimestampViolation(now + HOUR_MS, now)).not.toBeNull();
  });

  it('buckets by UTC hour', () => {
    expect(hourOf(Date.UTC(2026, 10, 26, 5, 59, 59))).toBe('2026-11-26T05:00:00.000Z');
  });
});

describe('field rules', () => {
  it('quantities are int32, non-negative, integral', () => {
    expect(isInt32Quantity(0)).toBe(true);
    expect(isInt32Quantity(2_147_483_647)).toBe(true);
    expect(isInt32Quantity(2_147_483_648)).toBe(false);
    expect(isInt32Quantity(-1)).toBe(false);
    expect(isInt32Quantity(1.5)).toBe(false);
  });

  it('exactly one customer id', () => {
    expect(customerIdViolation('r', { CustomerIdentifier: 'abc' })).toBeNull();
    expect(customerIdViolation('r', { CustomerAWSAccountId: '123456789012' })).toBeNull();
    expect(customerIdViolation('r', {})?.code).toBe('ValidationException');
    expect(
      customerIdViolation('r', { CustomerIdentifier: 'a', CustomerAWSAccountId: '1' })?.code,
    ).toBe('ValidationException');
    expect(customerIdViolation('r', { CustomerAWSAccountId: '12ab' })?.code).toBe(
      'ValidationException',
    );
  });

  it('license ARNs follow the model pattern', () => {
    expect(
      licenseArnViolation('arn:aws:license-manager::123456789012:license:l-0123456789abcdef'),
    ).toBeNull();
    expect(licenseArnViolation('l-0123')?.code).toBe('InvalidLicenseException');
  });

  it("tags follow the model's pattern, whose space-to-'=' range admits & , # and more", () => {
    expect(tagViolation({ Key: 'team:a/b@c', Value: 'x+y = z._-' })).toBeNull();
    // AWS-FACTS §0.1: ` -=` in ^[a-zA-Z0-9+ -=._:\/@]+$ is the range 0x20–0x3D.
    for (const value of ['R&D, EMEA', '!"#$%&\'()*,;<', 'cost#center']) {
      expect(tagViolation({ Key: 'dept', Value: value })).toBeNull();
    }
    for (const bad of ['a>b', 'a?b', 'a[b]', 'a\\b', 'a^b', 'a`b', 'a{b}', 'a|b', 'a~b', 'café']) {
      expect(tagViolation({ Key: 'k', Value: bad })?.code).toBe('InvalidTagException');
    }
    expect(tagViolation({ Key: '', Value: 'x' })?.code).toBe('InvalidTagException');
    expect(tagViolation({ Key: 'k', Value: 'v'.repeat(257) })?.code).toBe('InvalidTagException');
  });

  it('allocations: sum, count, tag count, unique tag sets', () => {
    const t = (k: string, v: string) => ({ Key: k, Value: v });
    expect(
      allocationsViolation(10, [
        { AllocatedUsageQuantity: 4, Tags: [t('env', 'prod')] },
        { AllocatedUsageQuantity: 6 },
      ]),
    ).toBeNull();
    expect(allocationsViolation(10, [{ AllocatedUsageQuantity: 9 }])?.code).toBe(
      'InvalidUsageAllocationsException',
    );
    expect(allocationsViolation(0, [])?.code).toBe('InvalidUsageAllocationsException');
    expect(
      allocationsViolation(2, [
        { AllocatedUsageQuantity: 1, Tags: [t('a', '1'), t('b', '2')] },
        { AllocatedUsageQuantity: 1, Tags: [t('b', '2'), t('a', '1')] },
      ])?.code,
    ).toBe('InvalidUsageAllocationsException');
    expect(
      allocationsViolation(1, [
        { AllocatedUsageQuantity: 1, Tags: ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => t(k, 'v')) },
      ])?.code,
    ).toBe('InvalidTagException');
  });
});
