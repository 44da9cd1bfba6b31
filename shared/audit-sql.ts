// SQL for auditors: the views the Query tab reads (their columns, as the README documents them)
// and the built-in questions. Times in the views are TIMESTAMPs in UTC; money figures follow the
// billed-once rule: a record is billed when AWS answered Success with a MeteringRecordId; the
// same id seen again is a replay, never added to billed totals; DuplicateRecord is never billed.

export type AuditSqlColumnDoc = { name: string; type: string; description: string };
export type AuditSqlViewDoc = { name: string; description: string; columns: AuditSqlColumnDoc[] };

const c = (name: string, type: string, description: string): AuditSqlColumnDoc => ({
  name,
  type,
  description,
});

export const auditSqlViews: readonly AuditSqlViewDoc[] = [
  {
    name: 'usage_records',
    description:
      'One row per usage record of every metering call CloudTrail logged (BatchMeterUsage and MeterUsage), with its billed-once standing.',
    columns: [
      c('event_id', 'VARCHAR', 'CloudTrail event id of the call'),
      c('record_index', 'INTEGER', 'Position of the record in the request'),
      c('event_time', 'TIMESTAMP', 'When the call was made (UTC)'),
      c('event_name', 'VARCHAR', 'BatchMeterUsage or MeterUsage'),
      c('usage_time', 'TIMESTAMP', 'The usage timestamp as recorded (UTC); NULL if unreadable'),
      c('usage_hour', 'TIMESTAMP', 'The usage hour AWS deduplicates by (UTC)'),
      c('customer', 'VARCHAR', 'CustomerAWSAccountId, else CustomerIdentifier'),
      c('customer_identifier', 'VARCHAR', 'CustomerIdentifier as sent'),
      c('customer_aws_account_id', 'VARCHAR', 'CustomerAWSAccountId as sent'),
      c('license_arn', 'VARCHAR', 'LicenseArn (Concurrent Agreements)'),
      c('product_code', 'VARCHAR', 'ProductCode of the request'),
      c('dimension', 'VARCHAR', 'Usage dimension'),
      c('quantity', 'BIGINT', 'Quantity as sent'),
      c(
        'status',
        'VARCHAR',
        'AWS’s answer: Success, CustomerNotSubscribed, DuplicateRecord, Unprocessed, Failed or Unknown',
      ),
      c(
        'billing',
        'VARCHAR',
        'billed (first Success with its MeteringRecordId), replay (the same id again), duplicate (DuplicateRecord), not-billed, unknown',
      ),
      c('billed_quantity', 'BIGINT', 'quantity when billing = billed, else 0: sum this for money'),
      c('metering_record_id', 'VARCHAR', 'MeteringRecordId AWS returned'),
      c('allocations', 'VARCHAR', 'usageAllocations as JSON text'),
      c('error_code', 'VARCHAR', 'The call’s error, or why a record has no answer'),
      c('error_message', 'VARCHAR', 'The error message'),
      c(
        'filled_from',
        'VARCHAR',
        '“journal” when CloudTrail truncated the call and the app’s journal filled it in',
      ),
      c('request_id', 'VARCHAR', 'AWS request id of the call'),
      c('caller_arn', 'VARCHAR', 'ARN of the caller'),
      c('user_name', 'VARCHAR', 'User or role name of the caller'),
      c('person', 'VARCHAR', 'Who acted, in words (for SSO: the person signed in)'),
      c(
        'identity_type',
        'VARCHAR',
        'IAMUser, AssumedRole, Root, FederatedUser, AWSService, WebIdentity',
      ),
      c('access_key_id', 'VARCHAR', 'Access key that signed the call'),
      c(
        'truncated',
        'VARCHAR',
        'What CloudTrail omitted: requestParameters, responseElements or both',
      ),
      c('region', 'VARCHAR', 'Region the event was fetched from'),
      c('account_id', 'VARCHAR', 'The seller account'),
    ],
  },
  {
    name: 'events',
    description: 'One row per CloudTrail event, with the record exactly as received.',
    columns: [
      c('event_id', 'VARCHAR', 'CloudTrail event id'),
      c('event_time', 'TIMESTAMP', 'When the call was made (UTC)'),
      c('event_name', 'VARCHAR', 'The API called'),
      c('event_source', 'VARCHAR', 'metering-marketplace.amazonaws.com'),
      c('region', 'VARCHAR', 'Region the event was fetched from'),
      c('account_id', 'VARCHAR', 'The seller account'),
      c('request_id', 'VARCHAR', 'AWS request id of the call'),
      c('caller_arn', 'VARCHAR', 'ARN of the caller'),
      c('user_name', 'VARCHAR', 'User or role name of the caller'),
      c('person', 'VARCHAR', 'Who acted, in words'),
      c('identity_type', 'VARCHAR', 'userIdentity.type'),
      c('access_key_id', 'VARCHAR', 'Access key that signed the call'),
      c('error_code', 'VARCHAR', 'The call’s error, if it failed'),
      c('error_message', 'VARCHAR', 'The error message'),
      c('truncated', 'VARCHAR', 'What CloudTrail omitted, if anything'),
      c('origin', 'VARCHAR', 'cloudtrail-lookup (synced) or trail-file (imported)'),
      c('records', 'INTEGER', 'Usage records read from it'),
      c(
        'raw',
        'VARCHAR',
        'The CloudTrail record as received (JSON text; json_extract works on it)',
      ),
    ],
  },
  {
    name: 'journal_records',
    description:
      'Every record this app’s journal holds for the account: what Meterdesk sent, by whom, and AWS’s answer.',
    columns: [
      c('submission_id', 'VARCHAR', 'The submission'),
      c('record_key', 'VARCHAR', 'The record within it'),
      c('journaled_at', 'TIMESTAMP', 'When its latest journal line was written (UTC)'),
      c('operation', 'VARCHAR', 'BatchMeterUsage or MeterUsage'),
      c('connection_name', 'VARCHAR', 'The connection it was sent with'),
      c('account_id', 'VARCHAR', 'The seller account'),
      c('region', 'VARCHAR', 'Region'),
      c('os_user', 'VARCHAR', 'The operating-system user who sent it'),
      c('product_code', 'VARCHAR', 'ProductCode'),
      c('customer', 'VARCHAR', 'CustomerAWSAccountId or CustomerIdentifier'),
      c('license_arn', 'VARCHAR', 'LicenseArn'),
      c('dimension', 'VARCHAR', 'Usage dimension'),
      c('usage_time', 'TIMESTAMP', 'The usage timestamp (UTC)'),
      c('quantity', 'BIGINT', 'Quantity'),
      c('status', 'VARCHAR', 'The journal’s status of the record'),
      c('metering_record_id', 'VARCHAR', 'MeteringRecordId AWS returned'),
      c('request_id', 'VARCHAR', 'AWS request id of the call'),
      c('error', 'VARCHAR', 'Error, if any'),
      c('attempts', 'INTEGER', 'Calls made for it'),
      c('resend_of', 'VARCHAR', 'The submission it resent'),
      c('resent_in', 'VARCHAR', 'The submission that resent it'),
    ],
  },
  {
    name: 'completeness',
    description:
      'Per region and UTC day: complete (synced whole), partial, cache-only (past CloudTrail’s 90 days, held only here) or missing.',
    columns: [
      c('region', 'VARCHAR', 'Region'),
      c('day', 'DATE', 'UTC day'),
      c('state', 'VARCHAR', 'complete, partial, cache-only or missing'),
    ],
  },
];

export type AuditSqlQuery = { id: string; name: string; description: string; sql: string };

/** The questions an auditor asks first; saved queries sit beside them. */
export const builtinAuditQueries: readonly AuditSqlQuery[] = [
  {
    id: 'builtin:monthly-totals',
    name: 'Monthly totals per customer and dimension',
    description:
      'What AWS billed per month, customer and dimension, with replays and duplicates counted apart.',
    sql: `SELECT date_trunc('month', usage_hour) AS month,
  customer,
  license_arn,
  dimension,
  sum(billed_quantity) AS billed_quantity,
  count(*) FILTER (WHERE billing = 'billed') AS billed_records,
  count(*) FILTER (WHERE billing = 'replay') AS replays,
  count(*) FILTER (WHERE billing = 'duplicate') AS duplicate_records
FROM usage_records
WHERE usage_hour IS NOT NULL
GROUP BY ALL
ORDER BY month, customer, license_arn, dimension`,
  },
  {
    id: 'builtin:duplicate-hours',
    name: 'Hours with DuplicateRecord',
    description: 'Each hour AWS refused a record as a duplicate, with the quantity that stands.',
    sql: `WITH billed AS (
  SELECT customer, license_arn, dimension, usage_hour, sum(billed_quantity) AS quantity
  FROM usage_records WHERE billing = 'billed' GROUP BY ALL
)
SELECT d.usage_hour,
  d.customer,
  d.license_arn,
  d.dimension,
  count(*) AS duplicate_records,
  string_agg(DISTINCT d.quantity::VARCHAR, ', ') AS refused_quantities,
  any_value(b.quantity) AS quantity_that_stands
FROM usage_records d
LEFT JOIN billed b ON b.customer = d.customer AND b.dimension = d.dimension
  AND b.usage_hour = d.usage_hour AND b.license_arn IS NOT DISTINCT FROM d.license_arn
WHERE d.billing = 'duplicate'
GROUP BY ALL
ORDER BY d.usage_hour DESC`,
  },
  {
    id: 'builtin:other-callers',
    name: 'Callers other than the metering service',
    description:
      'Who else called the metering API. The caller with the most calls is taken to be the metering service; name yours in the first line if it differs.',
    sql: `WITH service AS (SELECT caller_arn FROM events GROUP BY caller_arn ORDER BY count(*) DESC LIMIT 1)
SELECT caller_arn,
  identity_type,
  person,
  count(*) AS calls,
  count(*) FILTER (WHERE error_code IS NOT NULL) AS failed_calls,
  min(event_time) AS first_call,
  max(event_time) AS last_call
FROM events
WHERE caller_arn IS DISTINCT FROM (SELECT caller_arn FROM service)
GROUP BY ALL
ORDER BY calls DESC`,
  },
  {
    id: 'builtin:usage-stopped',
    name: 'Customers whose usage stopped',
    description:
      'Customers billed before but not in the last 24 hours of billed usage the cache holds.',
    sql: `WITH last_billed AS (
  SELECT customer, license_arn, max(usage_hour) AS last_usage_hour, sum(billed_quantity) AS billed_quantity
  FROM usage_records WHERE billing = 'billed' GROUP BY ALL
), newest AS (SELECT max(usage_hour) AS hour FROM usage_records WHERE billing = 'billed')
SELECT l.customer,
  l.license_arn,
  l.last_usage_hour,
  date_diff('hour', l.last_usage_hour, n.hour) AS hours_before_newest,
  l.billed_quantity
FROM last_billed l, newest n
WHERE l.last_usage_hour < n.hour - INTERVAL 24 HOUR
ORDER BY l.last_usage_hour`,
  },
  {
    id: 'builtin:replays',
    name: 'Replays',
    description:
      'Records sent again that AWS answered with a MeteringRecordId already billed: never billed twice.',
    sql: `SELECT r.metering_record_id,
  r.usage_hour,
  r.customer,
  r.dimension,
  r.quantity,
  b.event_time AS billed_at,
  b.event_id AS billed_in_event,
  r.event_time AS replayed_at,
  r.event_id AS replayed_in_event,
  r.person AS replayed_by
FROM usage_records r
JOIN usage_records b ON b.metering_record_id = r.metering_record_id AND b.billing = 'billed'
WHERE r.billing = 'replay'
ORDER BY r.event_time DESC`,
  },
];
