// The port the submission side asks the audit side: is this record billed per CloudTrail, with
// which quantity and MeteringRecordId, and is the cache complete for the time the call could
// have been logged? Implemented over the audit cache (services/audit/billed.ts).

export type BilledQuery = {
  accountId: string;
  region: string;
  /** The call's AWS request id, when the journal has one: the strongest match. */
  requestId?: string;
  /** CustomerAWSAccountId or CustomerIdentifier, whichever the record carries. */
  customer: string;
  licenseArn?: string;
  productCode?: string;
  dimension: string;
  /** Start of the usage hour (epoch ms): AWS deduplicates per customer, dimension and hour. */
  hour: number;
  /** When a call billing it could have reached AWS (epoch ms): CloudTrail logs it then. */
  sentFrom: number;
  sentTo: number;
};

export type BilledEvidence = {
  eventId: string;
  eventTime: number;
  quantity: number;
  meteringRecordId?: string;
  requestId?: string;
  /** Who sent it, in words (CloudTrail's caller). */
  person?: string;
  /** Matched by the call's request id, or by customer, dimension and hour. */
  by: 'requestId' | 'record';
};

export type BilledAnswer = {
  /** The first Success CloudTrail shows for the key and hour, by any caller. */
  billed: BilledEvidence | null;
  /** The cache holds every event of [sentFrom, sentTo]: no event there means not billed. */
  complete: boolean;
  /** Events are complete in the cache up to this time for the account and region. */
  coveredUntil: number | null;
};

export type BilledLookup = {
  lookup: (queries: readonly BilledQuery[]) => Promise<BilledAnswer[]>;
};

/** No audit cache: nothing is known, nothing is complete. */
export const noBilledLookup: BilledLookup = {
  lookup: (queries) =>
    Promise.resolve(queries.map(() => ({ billed: null, complete: false, coveredUntil: null }))),
};
