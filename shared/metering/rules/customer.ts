// Customer identity rules: BatchMeterUsage names the buyer by exactly one of CustomerIdentifier
// or CustomerAWSAccountId (plus a LicenseArn under concurrent agreements); MeterUsage names no
// customer at all, because the buyer's own credentials sign the call.
import {
  CUSTOMER_ACCOUNT_ID_PATTERN,
  CUSTOMER_IDENTIFIER_MAX,
  LICENSE_ARN_PATTERN,
  customerIdViolation,
} from '../../aws/metering-rules';
import { looksScientific } from '../parse';
import type { RecordIssue } from '../records';
import { addIssue, type RecordFacts } from './facts';

// Characters no id contains, which spreadsheets, chat tools and copy-paste slip in unseen.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
/** A spreadsheet runs a cell starting with one of these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\uff1d\uff0b\uff0d\uff20]/;

type IdKind = {
  field: 'customerIdentifier' | 'customerAwsAccountId' | 'licenseArn';
  label: string;
  spacesCode: string;
};
const ID_KINDS: readonly IdKind[] = [
  {
    field: 'customerIdentifier',
    label: 'The CustomerIdentifier',
    spacesCode: 'customer-identifier-spaces',
  },
  { field: 'customerAwsAccountId', label: 'The AWS account id', spacesCode: 'account-id-spaces' },
  { field: 'licenseArn', label: 'The license ARN', spacesCode: 'license-arn-spaces' },
];

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first control or invisible character in an id, as a problem to report. */
function hiddenCharacter(id: string): { code: string; what: string } | null {
  const control = CONTROL.exec(id);
  if (control) {
    return {
      code: 'customer-id-control-character',
      what: `a control character (${codePoint(control[0])})`,
    };
  }
  const invisible = INVISIBLE.exec(id);
  if (invisible) {
    return {
      code: 'customer-id-invisible-character',
      what: `an invisible character (${codePoint(invisible[0])}, e.g. a zero-width space)`,
    };
  }
  return null;
}

/**
 * Ids are matched exactly, so a hidden character or a space at either end names another
 * customer; an id that starts like a formula needs a person to look (CSV injection, or an export
 * that lost its quoting).
 */
function idCharacters(facts: RecordFacts, issues: RecordIssue[]): void {
  for (const kind of ID_KINDS) {
    const id = facts[kind.field];
    if (id === undefined) continue;
    const hidden = hiddenCharacter(id);
    if (hidden) {
      addIssue(
        issues,
        'error',
        kind.field,
        hidden.code,
        `${kind.label} contains ${hidden.what}.`,
        'Retype or re-export it: ids are matched exactly, so a hidden character names another customer.',
      );
    } else if (id !== id.trim()) {
      addIssue(
        issues,
        'error',
        kind.field,
        kind.spacesCode,
        `${kind.label} starts or ends with spaces.`,
        'Remove the spaces: identifiers are matched exactly.',
      );
    }
    if (FORMULA_START.test(id.trim())) {
      addIssue(
        issues,
        'warning',
        kind.field,
        'customer-id-formula',
        `${kind.label} "${id.trim()}" starts with "${id.trim().charAt(0)}", like a spreadsheet formula.`,
        'Check it against where it came from: a real id rarely starts with = + - @; a formula, or an export that lost its quoting, is more likely.',
      );
    }
  }
}

function accountIdShape(acct: string, issues: RecordIssue[]): void {
  if (looksScientific(acct)) {
    addIssue(
      issues,
      'error',
      'customerAwsAccountId',
      'account-id-scientific',
      `Account id "${acct}" is in scientific notation: a spreadsheet converted it and the original digits are lost.`,
      'Re-export the file with the account id column formatted as Text, or type the 12 digits.',
    );
  } else if (!CUSTOMER_ACCOUNT_ID_PATTERN.test(acct)) {
    addIssue(
      issues,
      'error',
      'customerAwsAccountId',
      'account-id-format',
      `Account id "${acct}" must contain digits only.`,
      'An AWS account id is 12 digits, e.g. 012345678901 — no spaces or dashes.',
    );
  } else if (acct.length !== 12) {
    addIssue(
      issues,
      'warning',
      'customerAwsAccountId',
      'account-id-length',
      `Account id ${acct} has ${acct.length} digits; AWS account ids have 12.`,
      acct.length < 12
        ? 'A spreadsheet may have dropped leading zeros: check the id and pad it to 12 digits.'
        : "Check the id against the buyer's agreement.",
    );
  }
}

/** Exactly one customer id, each in the shape AWS accepts. */
function oneCustomerId(facts: RecordFacts, issues: RecordIssue[]): void {
  const { customerIdentifier: ci, customerAwsAccountId: acct } = facts;
  if (ci === undefined && acct === undefined) {
    addIssue(
      issues,
      'error',
      'customer',
      'customer-missing',
      'No customer is given.',
      facts.concurrentAgreements
        ? "Enter the buyer's AWS account id and license ARN."
        : "Enter the CustomerIdentifier from ResolveCustomer, or the buyer's AWS account id.",
    );
  } else if (ci !== undefined && acct !== undefined) {
    addIssue(
      issues,
      'error',
      'customer',
      'customer-ambiguous',
      'Both a CustomerIdentifier and an AWS account id are given.',
      'AWS takes exactly one of them: clear one.',
    );
  } else if (acct !== undefined) {
    // An id with hidden characters is already reported by idCharacters.
    if (hiddenCharacter(acct) === null && acct === acct.trim()) accountIdShape(acct, issues);
  } else if (ci !== undefined) {
    const violation = customerIdViolation('usageRecord', { CustomerIdentifier: ci });
    if (violation) {
      addIssue(
        issues,
        'error',
        'customerIdentifier',
        'customer-identifier-format',
        violation.message,
        `Use at most ${CUSTOMER_IDENTIFIER_MAX} characters.`,
      );
    }
  }
}

/** Concurrent agreements need a LicenseArn and refuse a CustomerIdentifier; legacy refuses the ARN. */
function licenseFitsIdentityModel(facts: RecordFacts, issues: RecordIssue[]): void {
  const { product, customerIdentifier: ci, licenseArn: lic } = facts;
  if (facts.concurrentAgreements && product) {
    if (ci !== undefined) {
      addIssue(
        issues,
        'error',
        'customerIdentifier',
        'customer-identifier-not-allowed',
        `${product.name} uses concurrent agreements, which do not accept a CustomerIdentifier.`,
        "Use the buyer's AWS account id with their license ARN instead.",
      );
    }
    if (lic === undefined) {
      addIssue(
        issues,
        'error',
        'licenseArn',
        'license-missing',
        `${product.name} uses concurrent agreements: each record needs the buyer's LicenseArn.`,
        "Enter the license ARN from the buyer's agreement (arn:aws:license-manager::…:license:l-…).",
      );
    }
  } else if (lic !== undefined && product) {
    addIssue(
      issues,
      'error',
      'licenseArn',
      'license-not-allowed',
      `${product.name} is metered with a product code; a LicenseArn here would bill the same usage twice.`,
      'Clear the license ARN, or pick the concurrent-agreements product.',
    );
  }
  if (lic !== undefined && !LICENSE_ARN_PATTERN.test(lic)) {
    addIssue(
      issues,
      'error',
      'licenseArn',
      'license-arn-format',
      `"${lic}" is not a valid license ARN.`,
      'It looks like arn:aws:license-manager::123456789012:license:l-0123456789abcdef.',
    );
  }
}

export function customerIdentity(facts: RecordFacts, issues: RecordIssue[]): void {
  if (facts.operation === 'MeterUsage') {
    const { customerIdentifier, customerAwsAccountId, licenseArn } = facts;
    if (
      customerIdentifier !== undefined ||
      customerAwsAccountId !== undefined ||
      licenseArn !== undefined
    ) {
      addIssue(
        issues,
        'error',
        'customer',
        'customer-not-allowed',
        'MeterUsage takes no customer: it meters the buyer account whose credentials sign the call.',
        'Clear the customer fields, or meter a SaaS product with BatchMeterUsage.',
      );
    }
    return;
  }
  oneCustomerId(facts, issues);
  idCharacters(facts, issues);
  licenseFitsIdentityModel(facts, issues);
}
