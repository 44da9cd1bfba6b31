// Usage records as Meterdesk handles them, the product catalog, and the one record validator.
// The SAME functions run in the renderer (live, as the user types) and in main (authoritative,
// before anything is sent), so the two sides cannot disagree. Pure: no node:*, no DOM.
//
//   catalog.ts   products (kind saas|ami|container, identity model legacy|concurrent-agreements,
//                product code, dimensions), operationFor, findProduct
//   records.ts   the draft as typed or imported (loose on purpose, so the validator can say what
//                is wrong), the normalized record the engine sends, issues, validation results
//   parse.ts     strict parsers for the usage time and quantities (never rounded)
//   keys.ts      acceptanceDeadline and recordKey (AWS's dedup key: product or license,
//                customer, dimension, UTC hour — the journal's sent index uses it)
//   rules/       one module per rule family (identity, customer, timestamp window, quantity and
//                allocations, tags, duplicates), each reading the facts of one record
//   validate.ts  validateRecord (the rule runner) and validateRecords (plus duplicates in a set)
//   wire.ts      the record as the SDK's UsageRecord, and its size on the wire
//   plan.ts      planBatches: one product (or license set) per call, ≤ 25 records and < 1 MB per
//                BatchMeterUsage call, one record per MeterUsage call; totals per dimension
export * from './catalog';
export * from './records';
export * from './parse';
export * from './keys';
export * from './validate';
export * from './wire';
export * from './plan';
export type { RowLabel } from './rules/duplicates';
