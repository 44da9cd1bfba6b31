// Identity rules: which product (and so which operation) a record is for, and its dimension.
// AWS fails a whole call for an unknown product code or dimension, so these are checked first.
import { DIMENSION_MAX, PRODUCT_CODE_PATTERN } from '../../aws/metering-rules';
import { operationFor } from '../catalog';
import type { RecordIssue } from '../records';
import { addIssue, type RecordFacts } from './facts';

function present(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/** The product exists in the catalog, and a product code given beside it belongs to it. */
export function productKnown(facts: RecordFacts, issues: RecordIssue[]): void {
  const { draft, product } = facts;
  if (!product) {
    if (present(draft.productId) || present(draft.productCode)) {
      addIssue(
        issues,
        'error',
        'product',
        'product-unknown',
        `Product "${draft.productId ?? draft.productCode ?? ''}" is not in the catalog.`,
        'Add the product to the catalog, or pick one of the catalog products.',
      );
    } else {
      addIssue(
        issues,
        'error',
        'product',
        'product-missing',
        'No product is chosen.',
        'Pick the product this usage is for.',
      );
    }
  } else if (
    present(draft.productId) &&
    present(draft.productCode) &&
    product.productCode !== draft.productCode
  ) {
    addIssue(
      issues,
      'error',
      'productCode',
      'product-code-mismatch',
      `Product code ${draft.productCode} does not belong to ${product.name}.`,
      product.productCode
        ? `Use ${product.productCode}, or pick the product that has this code.`
        : `${product.name} uses concurrent agreements and takes no product code: clear it.`,
    );
  }
  if (present(draft.productCode) && !PRODUCT_CODE_PATTERN.test(draft.productCode)) {
    addIssue(
      issues,
      'error',
      'productCode',
      'product-code-format',
      `Product code "${draft.productCode}" has characters AWS does not allow.`,
      'Product codes use letters, digits and - / = : _ . @ only.',
    );
  }
}

/** A forced operation (e.g. the containers screen's MeterUsage) must match the product's kind. */
export function operationMatchesProduct(facts: RecordFacts, issues: RecordIssue[]): void {
  const { product, ctx } = facts;
  if (!product || !ctx.operation || ctx.operation === operationFor(product)) return;
  addIssue(
    issues,
    'error',
    'product',
    'operation-mismatch',
    `${product.name} is a ${product.kind.toUpperCase()} product, metered with ${operationFor(product)}, not ${ctx.operation}.`,
    `Submit it with ${operationFor(product)}, or pick a ${ctx.operation === 'MeterUsage' ? 'AMI or container' : 'SaaS'} product.`,
  );
}

/** The dimension is given, fits AWS's length, and is one of the product's (exact case). */
export function dimensionKnown(facts: RecordFacts, issues: RecordIssue[]): void {
  const { draft, product } = facts;
  const dimension = draft.dimension;
  if (dimension === '') {
    addIssue(
      issues,
      'error',
      'dimension',
      'dimension-missing',
      'No dimension is chosen.',
      "Pick one of the product's dimensions.",
    );
    return;
  }
  if (dimension.length > DIMENSION_MAX) {
    addIssue(
      issues,
      'error',
      'dimension',
      'dimension-too-long',
      `Dimension is ${dimension.length} characters long; AWS allows ${DIMENSION_MAX}.`,
      "Use the dimension's API name as defined on the product.",
    );
    return;
  }
  if (!product || product.dimensions.some((d) => d.name === dimension)) return;
  const caseMatch = product.dimensions.find(
    (d) => d.name.toLowerCase() === dimension.toLowerCase(),
  );
  if (caseMatch) {
    addIssue(
      issues,
      'error',
      'dimension',
      'dimension-case',
      `Dimension "${dimension}" differs only in letter case from "${caseMatch.name}"; AWS matches dimensions exactly.`,
      `Use "${caseMatch.name}".`,
    );
  } else if (draft.acknowledgeUnknownDimension === true) {
    addIssue(
      issues,
      'warning',
      'dimension',
      'dimension-unknown-acknowledged',
      `Dimension "${dimension}" is not in the catalog for ${product.name}; you confirmed it anyway.`,
      'If AWS does not know it, the whole call fails with InvalidUsageDimensionException.',
    );
  } else {
    addIssue(
      issues,
      'error',
      'dimension',
      'dimension-unknown',
      `Dimension "${dimension}" is not in the catalog for ${product.name}.`,
      product.dimensions.length > 0
        ? `Pick one of: ${product.dimensions.map((d) => d.name).join(', ')} — or confirm the new dimension for this row.`
        : 'Add the dimension to the product in the catalog, or confirm it for this row.',
    );
  }
}
