// The rule for actions that bill: on the sandbox nothing is real money, so nothing is asked; on
// every other connection (or while the active one is unknown) the user types the phrase first.
// The renderer's useBillingConfirmation applies it; main may check the same rule.

export const BILLING_CONFIRMATION_PHRASE = 'submissions are final';

export function billingConfirmationRequired(
  connection: { isSandbox: boolean } | null | undefined,
): boolean {
  return connection?.isSandbox !== true;
}

/** Surrounding spaces and letter case do not matter; every word does. */
export function confirmationPhraseMatches(typed: string): boolean {
  return typed.trim().replace(/\s+/g, ' ').toLowerCase() === BILLING_CONFIRMATION_PHRASE;
}
