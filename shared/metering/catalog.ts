// The product catalog: what a product is (kind, identity model, product code, dimensions), and
// which metering operation a product's records go through.
import { z } from 'zod';
import { DIMENSION_MAX, PRODUCT_CODE_MAX, PRODUCT_CODE_PATTERN } from '../aws/metering-rules';

export const meteringOperationSchema = z.enum(['BatchMeterUsage', 'MeterUsage']);
export type MeteringOperation = z.infer<typeof meteringOperationSchema>;

export const productKindSchema = z.enum(['saas', 'ami', 'container']);
export type ProductKind = z.infer<typeof productKindSchema>;

export const identityModelSchema = z.enum(['legacy', 'concurrent-agreements']);
export type IdentityModel = z.infer<typeof identityModelSchema>;

export const dimensionSchema = z.object({
  name: z.string().min(1).max(DIMENSION_MAX),
  description: z.string().max(1000),
});
export type Dimension = z.infer<typeof dimensionSchema>;

export const productSchema = z
  .object({
    /** Stable id inside Meterdesk; records point at it with `productId`. */
    id: z.string().min(1).max(200),
    name: z.string().min(1).max(200),
    kind: productKindSchema,
    identityModel: identityModelSchema,
    /** Legacy SaaS, AMI and container products; absent for concurrent agreements. */
    productCode: z.string().min(1).max(PRODUCT_CODE_MAX).regex(PRODUCT_CODE_PATTERN).optional(),
    dimensions: z.array(dimensionSchema).max(1000),
    /** 'sandbox' products come from the built-in sandbox and are read-only. */
    source: z.enum(['user', 'sandbox']),
  })
  .superRefine((product, ctx) => {
    if (product.identityModel === 'concurrent-agreements') {
      if (product.kind !== 'saas') {
        ctx.addIssue({
          code: 'custom',
          path: ['identityModel'],
          message: 'Concurrent agreements apply to SaaS products only.',
        });
      }
      if (product.productCode !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['productCode'],
          message:
            'A concurrent-agreements product has no product code: its records carry a LicenseArn.',
        });
      }
    } else if (product.productCode === undefined) {
      ctx.addIssue({ code: 'custom', path: ['productCode'], message: 'Product code is required.' });
    }
    const names = new Set<string>();
    product.dimensions.forEach((d, i) => {
      if (names.has(d.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['dimensions', i, 'name'],
          message: `Dimension "${d.name}" is listed twice.`,
        });
      }
      names.add(d.name);
    });
  });
export type Product = z.infer<typeof productSchema>;

export const catalogSchema = z.object({ products: z.array(productSchema).max(500) });
export type Catalog = z.infer<typeof catalogSchema>;

export function operationFor(product: Pick<Product, 'kind'>): MeteringOperation {
  return product.kind === 'saas' ? 'BatchMeterUsage' : 'MeterUsage';
}

function present(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/** The catalog product a draft names: by Meterdesk id first, else by AWS product code. */
export function findProduct(
  catalog: readonly Product[],
  draft: { productId?: string | undefined; productCode?: string | undefined },
): Product | undefined {
  if (present(draft.productId)) return catalog.find((p) => p.id === draft.productId);
  if (present(draft.productCode)) return catalog.find((p) => p.productCode === draft.productCode);
  return undefined;
}
