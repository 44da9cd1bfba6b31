// The audit cache's tables (schema `store`, written by the app only) and the documented views
// auditors query (`usage_records`, `events`, `journal_records`, `completeness`; see
// shared/audit-sql.ts). One usage record is one row with typed columns; low-cardinality text
// (customer, dimension, region) is kept as small integer codes, so a filter or a group over
// 20 million rows reads a few bits per row. Times are epoch milliseconds in the tables and
// TIMESTAMPs (UTC) in the views. The raw CloudTrail record is kept verbatim, compressed.
import { auditStatuses } from '../../../shared/audit';
import { UNPACK_TEXT_SQL } from './db';

/**
 * 2: the `failures` rollup (built from the records when a version-1 cache opens).
 * 3: the raw record packed by the app (`raw_packed`); events stored before keep their text in
 * `raw` (see `rawTextSql`).
 */
export const SCHEMA_VERSION = 3;

/**
 * Every status the cache can hold. A superset of today's `auditStatuses`: `Unknown` (AWS's
 * answer not known, e.g. truncated by CloudTrail) is part of the billed-once definition.
 */
export const STORED_STATUSES = [...new Set([...auditStatuses, 'Unknown'])] as readonly string[];

/** The billed-once classification of a record (DESIGN §4; shared/audit.ts billing kinds). */
export const BILLING_KINDS = ['billed', 'replay', 'duplicate', 'not-billed', 'unknown'] as const;
export type BillingKindName = (typeof BILLING_KINDS)[number];

/** Where an event came from. */
export const EVENT_ORIGINS = ['cloudtrail-lookup', 'trail-file'] as const;
export type EventOrigin = (typeof EVENT_ORIGINS)[number];

export const DAY_MS_SQL = 86_400_000;
export const HOUR_MS_SQL = 3_600_000;

/** A quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function list(values: readonly string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
}

/**
 * The billed-once rule over `status`, `metering_record_id` and `replay` (of `alias`): Success
 * with a MeteringRecordId seen first → billed; seen again → replay; DuplicateRecord → duplicate
 * (never billed); Unknown, or Success without an id → unknown; everything else not billed.
 */
export function billingSql(alias = ''): string {
  const a = alias === '' ? '' : `${alias}.`;
  return `CASE
    WHEN ${a}status = 'Success' AND ${a}metering_record_id IS NOT NULL
      THEN CASE WHEN ${a}replay THEN 'replay' ELSE 'billed' END
    WHEN ${a}status = 'DuplicateRecord' THEN 'duplicate'
    WHEN ${a}status = 'Unknown' OR ${a}status = 'Success' THEN 'unknown'
    ELSE 'not-billed' END`;
}

/** Fully qualified names of the app's tables in one database. */
export function tables(catalog: string) {
  const t = (name: string): string => `${ident(catalog)}.store.${name}`;
  return {
    meta: t('meta'),
    events: t('events'),
    records: t('records'),
    /** The records being re-sorted (see cluster.ts); exists only inside that transaction. */
    recordsNext: t('records_next'),
    parties: t('parties'),
    dimensions: t('dimensions'),
    regions: t('regions'),
    daily: t('daily'),
    failures: t('failures'),
    syncState: t('sync_state'),
    journal: t('journal'),
    completeness: t('completeness'),
    status: `${ident(catalog)}.store.audit_status`,
    billing: `${ident(catalog)}.store.billing_kind`,
  };
}
export type Tables = ReturnType<typeof tables>;

/** The records table's definition, under `name` (the table, or its re-sorted copy). */
export function recordsTable(name: string, T: Tables): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
      event_seq INTEGER NOT NULL,
      record_index INTEGER NOT NULL,
      event_time BIGINT NOT NULL,
      usage_time BIGINT,
      party_code INTEGER NOT NULL,
      dimension_code INTEGER NOT NULL,
      region_code SMALLINT NOT NULL,
      quantity BIGINT NOT NULL,
      status ${T.status} NOT NULL,
      replay BOOLEAN NOT NULL,
      metering_record_id VARCHAR,
      allocations VARCHAR,
      error_code VARCHAR,
      error_message VARCHAR,
      filled_from VARCHAR)`;
}

/**
 * The raw record's text. Packed by the app since schema 3 (a bulk load's records are compressed
 * on a worker thread, and the database writes a ninth of the bytes); events stored before keep
 * their text, ZSTD-compressed by the database, in `raw`.
 */
export function rawTextSql(alias = ''): string {
  const a = alias === '' ? '' : `${alias}.`;
  return `coalesce(${a}raw, ${UNPACK_TEXT_SQL}(${a}raw_packed))`;
}

/**
 * The packed raw records are DEFLATE already: the engine's own compressions cannot shrink them,
 * and trying each at every checkpoint cost three quarters of checkpointing the events table.
 */
const RAW_PACKED_TYPE = 'BLOB USING COMPRESSION uncompressed';

/** A schema-2 cache's events table made ready for packed raw records (no row is rewritten). */
export function packedRawStatements(catalog: string): string[] {
  const T = tables(catalog);
  return [
    `ALTER TABLE ${T.events} ALTER COLUMN raw DROP NOT NULL`,
    `ALTER TABLE ${T.events} ADD COLUMN IF NOT EXISTS raw_packed ${RAW_PACKED_TYPE}`,
  ];
}

/** Tables and types, created when missing. */
export function storeStatements(catalog: string): string[] {
  const T = tables(catalog);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${ident(catalog)}.store`,
    `CREATE TYPE IF NOT EXISTS ${T.status} AS ENUM (${list(STORED_STATUSES)})`,
    `CREATE TYPE IF NOT EXISTS ${T.billing} AS ENUM (${list(BILLING_KINDS)})`,
    `CREATE TABLE IF NOT EXISTS ${T.meta} (key VARCHAR NOT NULL, value VARCHAR NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${T.events} (
      event_seq INTEGER NOT NULL,
      event_id VARCHAR NOT NULL,
      event_time BIGINT NOT NULL,
      event_name VARCHAR NOT NULL,
      event_source VARCHAR NOT NULL,
      region VARCHAR NOT NULL,
      request_id VARCHAR,
      caller_arn VARCHAR,
      user_name VARCHAR,
      access_key_id VARCHAR,
      identity_type VARCHAR,
      person VARCHAR,
      error_code VARCHAR,
      error_message VARCHAR,
      truncated VARCHAR,
      origin VARCHAR NOT NULL,
      record_count INTEGER NOT NULL,
      raw VARCHAR USING COMPRESSION zstd,
      raw_packed ${RAW_PACKED_TYPE})`,
    recordsTable(T.records, T),
    `CREATE TABLE IF NOT EXISTS ${T.parties} (
      code INTEGER NOT NULL,
      customer_identifier VARCHAR,
      customer_aws_account_id VARCHAR,
      license_arn VARCHAR,
      product_code VARCHAR)`,
    `CREATE TABLE IF NOT EXISTS ${T.dimensions} (code INTEGER NOT NULL, name VARCHAR NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${T.regions} (code SMALLINT NOT NULL, name VARCHAR NOT NULL)`,
    // Records per UTC day of use and of metering, customer, dimension, region, status and
    // billing: the all-days aggregates read this instead of every record.
    `CREATE TABLE IF NOT EXISTS ${T.daily} (
      usage_day INTEGER,
      event_day INTEGER NOT NULL,
      party_code INTEGER NOT NULL,
      dimension_code INTEGER NOT NULL,
      region_code SMALLINT NOT NULL,
      status ${T.status} NOT NULL,
      billing ${T.billing} NOT NULL,
      records BIGINT NOT NULL,
      quantity BIGINT NOT NULL)`,
    // The Failed records' keys, per event: failed calls and records per error code for any
    // filter the daily rollup answers, without reading every record's status.
    `CREATE TABLE IF NOT EXISTS ${T.failures} (
      usage_day INTEGER,
      event_day INTEGER NOT NULL,
      party_code INTEGER NOT NULL,
      dimension_code INTEGER NOT NULL,
      region_code SMALLINT NOT NULL,
      status ${T.status} NOT NULL,
      error_code VARCHAR,
      event_seq INTEGER NOT NULL,
      records BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${T.syncState} (region VARCHAR NOT NULL, state VARCHAR NOT NULL)`,
    // Mirrors of this app's journal and of the day completeness, refreshed before the Query
    // tab runs a statement (times in epoch ms, days as YYYY-MM-DD; the views convert). Being
    // mirrors, they are made anew on every open.
    `CREATE OR REPLACE TABLE ${T.journal} (
      submission_id VARCHAR, record_key VARCHAR, journaled_at BIGINT, operation VARCHAR,
      connection_name VARCHAR, account_id VARCHAR, region VARCHAR, os_user VARCHAR,
      product_code VARCHAR, customer VARCHAR, license_arn VARCHAR, dimension VARCHAR,
      usage_time BIGINT, quantity BIGINT, status VARCHAR, metering_record_id VARCHAR,
      request_id VARCHAR, error VARCHAR, attempts INTEGER, resend_of VARCHAR, resent_in VARCHAR)`,
    `CREATE OR REPLACE TABLE ${T.completeness} (region VARCHAR, day VARCHAR, state VARCHAR)`,
  ];
}

/**
 * The `usage_records` view's query; `where` (over the records, alias r) narrows it, e.g. to an
 * explorer filter for the evidence pack's Parquet file.
 */
export function usageRecordsSql(catalog: string, accountId: string, where = 'TRUE'): string {
  const T = tables(catalog);
  const account = `'${accountId.replace(/'/g, "''")}'`;
  return `
    SELECT
      e.event_id,
      r.record_index,
      epoch_ms(r.event_time) AS event_time,
      e.event_name,
      epoch_ms(r.usage_time) AS usage_time,
      epoch_ms(r.usage_time // ${HOUR_MS_SQL} * ${HOUR_MS_SQL}) AS usage_hour,
      coalesce(p.customer_aws_account_id, p.customer_identifier) AS customer,
      p.customer_identifier,
      p.customer_aws_account_id,
      p.license_arn,
      p.product_code,
      d.name AS dimension,
      r.quantity,
      r.status::VARCHAR AS status,
      r.billing::VARCHAR AS billing,
      CASE WHEN r.billing = 'billed' THEN r.quantity ELSE 0 END AS billed_quantity,
      r.metering_record_id,
      r.allocations,
      r.error_code,
      r.error_message,
      r.filled_from,
      e.request_id,
      e.caller_arn,
      e.user_name,
      e.person,
      e.identity_type,
      e.access_key_id,
      e.truncated,
      g.name AS region,
      ${account} AS account_id
    FROM (SELECT *, (${billingSql()})::${T.billing} AS billing FROM ${T.records}) r
    JOIN ${T.events} e ON e.event_seq = r.event_seq
    JOIN ${T.parties} p ON p.code = r.party_code
    JOIN ${T.dimensions} d ON d.code = r.dimension_code
    JOIN ${T.regions} g ON g.code = r.region_code
    WHERE ${where}`;
}

/** The documented views (replaced on every open, so they always match this code). */
export function viewStatements(catalog: string, accountId: string): string[] {
  const T = tables(catalog);
  const view = (name: string): string => `${ident(catalog)}.main.${name}`;
  const account = `'${accountId.replace(/'/g, "''")}'`;
  return [
    `CREATE OR REPLACE VIEW ${view('usage_records')} AS ${usageRecordsSql(catalog, accountId)}`,
    `CREATE OR REPLACE VIEW ${view('events')} AS
    SELECT
      event_id,
      epoch_ms(event_time) AS event_time,
      event_name,
      event_source,
      region,
      ${account} AS account_id,
      request_id,
      caller_arn,
      user_name,
      person,
      identity_type,
      access_key_id,
      error_code,
      error_message,
      truncated,
      origin,
      record_count AS records,
      ${rawTextSql()} AS raw
    FROM ${T.events}`,
    `CREATE OR REPLACE VIEW ${view('journal_records')} AS
    SELECT submission_id, record_key, epoch_ms(journaled_at) AS journaled_at, operation,
      connection_name, account_id, region, os_user, product_code, customer, license_arn,
      dimension, epoch_ms(usage_time) AS usage_time, quantity, status, metering_record_id,
      request_id, error, attempts, resend_of, resent_in
    FROM ${T.journal}`,
    `CREATE OR REPLACE VIEW ${view('completeness')} AS
    SELECT region, day::DATE AS day, state FROM ${T.completeness}`,
  ];
}
