// Where CloudTrail events were fetched from: one account (one cache database) and one region.
export type AuditScope = { accountId: string; region: string };
