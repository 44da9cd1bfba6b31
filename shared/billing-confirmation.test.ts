import { describe, expect, it } from 'vitest';
import {
  BILLING_CONFIRMATION_PHRASE,
  billingConfirmationRequired,
  confirmationPhraseMatches,
} from './billing-confirmation';

describe('billing confirmation rule', () => {
  it('asks on real connections and while the connection is unknown, never on the sandbox', () => {
    expect(billingConfirmationRequired({ isSandbox: true })).toBe(false);
    expect(billingConfirmationRequired({ isSandbox: false })).toBe(true);
    expect(billingConfirmationRequired(null)).toBe(true);
    expect(billingConfirmationRequired(undefined)).toBe(true);
  });

  it('accepts only the phrase', () => {
    expect(BILLING_CONFIRMATION_PHRASE).toBe('submissions are final');
    expect(confirmationPhraseMatches('submissions are final')).toBe(true);
    expect(confirmationPhraseMatches('  Submissions  are Final ')).toBe(true);
    expect(confirmationPhraseMatches('submissions are')).toBe(false);
    expect(confirmationPhraseMatches('yes')).toBe(false);
    expect(confirmationPhraseMatches('')).toBe(false);
  });
});
