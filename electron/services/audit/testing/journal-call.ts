// A call as this app's journal keeps it (records in wire form, AWS's answers), for the tests of
// filling truncated CloudTrail events in from the journal. Not used by the app.
import type { JournalCall } from '../journal-fill';

export const JOURNAL_HOUR_ISO = '2026-07-10T11:00:00.000Z';

/** Two records of one call: c-1 billed as mr-a, c-2 answered DuplicateRecord. */
export const journalCall: JournalCall = {
  submissionId: 'sub-1',
  callId: 'sub-1.1',
  productCode: 'prod-1',
  records: [
    {
      key: 'a',
      record: {
        Timestamp: JOURNAL_HOUR_ISO,
        Dimension: 'users',
        Quantity: 3,
        CustomerIdentifier: 'c-1',
      },
      status: 'Success',
      meteringRecordId: 'mr-a',
    },
    {
      key: 'b',
      record: {
        Timestamp: JOURNAL_HOUR_ISO,
        Dimension: 'users',
        Quantity: 4,
        CustomerIdentifier: 'c-2',
      },
      status: 'DuplicateRecord',
    },
  ],
};
