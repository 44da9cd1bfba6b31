// What a BatchMeterUsage per-record status means and what to do next, in plain words (AWS-FACTS
// §1.3.1, the model's UsageRecordResult doc). Request-level exceptions are explained by the one
// AWS error mapper; these are the answers AWS gives record by record inside a successful call.

export type RecordStatusExplanation = { meaning: string; nextStep: string };

export const recordStatusExplanations = {
  CustomerNotSubscribed: {
    meaning:
      'AWS did not bill this record: the customer identifier is unknown, the customer has no active agreement or subscription to this product, or the buyer’s AWS account is suspended.',
    nextStep:
      'Check the identifier (resolve the buyer’s registration token again if in doubt) and the customer’s subscription. Records for this customer keep failing until they subscribe; nothing was billed, so nothing needs refunding.',
  },
  DuplicateRecord: {
    meaning:
      'AWS did not bill this record: the same customer, dimension and hour was already metered with a different quantity, and the first quantity stands.',
    nextStep:
      'Sending again cannot change a quantity. Correct over-billing with a refund; bill more in an hour that is still open.',
  },
} as const satisfies Record<string, RecordStatusExplanation>;

export type ExplainedRecordStatus = keyof typeof recordStatusExplanations;
