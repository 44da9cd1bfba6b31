// The product catalog: the user's own products (persisted in the key-value store, global across
// connections) plus, while the Sandbox connection is active, the sandbox's products read-only.
import { z } from 'zod';
import type { CatalogView } from '../../../shared/channels/metering';
import { AppError } from '../../../shared/errors';
import {
  catalogSchema,
  dimensionSchema,
  identityModelSchema,
  productKindSchema,
  productSchema,
  type Product,
} from '../../../shared/metering';
import type { KeyValueStore } from '../ports';

export const CATALOG_STORE_KEY = 'metering.catalog';
export const SANDBOX_ID_PREFIX = 'sandbox:';
export const CATALOG_FILE_FORMAT = 'meterdesk-catalog';

/** The sandbox's products as its admin API lists them. */
export type SandboxProductInfo = {
  productCode: string;
  name: string;
  identityModel: 'legacy' | 'concurrent-agreements';
  kind: 'saas' | 'ami' | 'container';
  dimensions: { name: string; description: string }[];
};

export type CatalogDeps = {
  store: KeyValueStore;
  /** Whether the active connection is the Sandbox. */
  sandboxActive: () => boolean;
  /** The sandbox's products; null when there is no sandbox. */
  sandboxProducts: () => Promise<SandboxProductInfo[] | null>;
  onError?: (message: string, error: unknown) => void;
};

export type CatalogService = {
  list: () => Promise<CatalogView>;
  /** User products and, on the Sandbox, the sandbox's: what records may refer to. */
  products: () => Promise<Product[]>;
  save: (products: Product[]) => Promise<CatalogView>;
  importJson: (
    text: string,
    mode: 'merge' | 'replace',
  ) => Promise<{ added: number; updated: number; catalog: CatalogView }>;
  exportJson: () => { fileName: string; text: string };
};

export function fromSandboxProduct(p: SandboxProductInfo): Product {
  return {
    id: `${SANDBOX_ID_PREFIX}${p.productCode}`,
    name: p.name,
    kind: p.kind,
    identityModel: p.identityModel,
    // Concurrent-agreements records carry a LicenseArn and no product code (AWS-FACTS §1.3).
    ...(p.identityModel === 'legacy' ? { productCode: p.productCode } : {}),
    dimensions: p.dimensions.map((d) => ({ name: d.name, description: d.description })),
    source: 'sandbox',
  };
}

// What a catalog file may contain: ids and sources are optional (a hand-written file is fine).
const importedProductSchema = z.object({
  id: z.string().min(1).max(200).optional(),
  name: z.string().min(1).max(200),
  kind: productKindSchema,
  identityModel: identityModelSchema.optional(),
  productCode: z.string().max(255).optional(),
  dimensions: z.array(
    dimensionSchema.extend({ description: dimensionSchema.shape.description.optional() }),
  ),
});
const catalogFileSchema = z.union([
  z.object({ products: z.array(importedProductSchema).max(500) }),
  z.array(importedProductSchema).max(500),
]);

export function slugId(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'product';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

function checkUserProducts(products: Product[]): void {
  const ids = new Set<string>();
  for (const p of products) {
    if (p.source !== 'user' || p.id.startsWith(SANDBOX_ID_PREFIX)) {
      throw new AppError('VALIDATION', `"${p.name}" is a sandbox product and cannot be saved.`, {
        hint: 'Sandbox products are read-only; copy it under a new id to edit it.',
      });
    }
    if (ids.has(p.id)) {
      throw new AppError('VALIDATION', `Two products share the id "${p.id}".`, {
        hint: 'Give every product its own id.',
      });
    }
    ids.add(p.id);
  }
}

export function createCatalogService(deps: CatalogDeps): CatalogService {
  let sandboxCache: Product[] | null = null;

  function readUser(): Product[] {
    const raw = deps.store.get(CATALOG_STORE_KEY);
    if (raw === undefined) return [];
    const parsed = catalogSchema.safeParse(raw);
    if (!parsed.success) {
      deps.onError?.('catalog in store is unreadable; starting empty', parsed.error.issues);
      return [];
    }
    return parsed.data.products;
  }

  async function sandboxList(): Promise<Product[]> {
    if (!deps.sandboxActive()) return [];
    if (sandboxCache) return sandboxCache;
    try {
      const products = await deps.sandboxProducts();
      // Only cache a real answer so a sandbox that starts late still shows up.
      if (products) sandboxCache = products.map(fromSandboxProduct);
      return sandboxCache ?? [];
    } catch (error: unknown) {
      deps.onError?.('could not read the sandbox products', error);
      return [];
    }
  }

  async function list(): Promise<CatalogView> {
    return { user: readUser(), sandbox: await sandboxList(), sandboxActive: deps.sandboxActive() };
  }

  async function save(products: Product[]): Promise<CatalogView> {
    checkUserProducts(products);
    deps.store.set(CATALOG_STORE_KEY, { products });
    return list();
  }

  return {
    list,
    products: async () => [...readUser(), ...(await sandboxList())],
    save,
    async importJson(text, mode) {
      let json: unknown;
      try {
        json = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch {
        throw new AppError('VALIDATION', 'The file is not JSON.', {
          hint: 'Choose a catalog file exported from Meterdesk, or a JSON list of products.',
        });
      }
      const file = catalogFileSchema.safeParse(json);
      if (!file.success) {
        const first = file.error.issues[0];
        throw new AppError(
          'VALIDATION',
          `The catalog file does not match the expected shape${first ? ` (${first.path.join('.')}: ${first.message})` : ''}.`,
          { hint: 'Each product needs a name, a kind (saas, ami, container) and dimensions.' },
        );
      }
      const incoming = Array.isArray(file.data) ? file.data : file.data.products;
      const current = mode === 'replace' ? [] : readUser();
      const byId = new Map(current.map((p) => [p.id, p]));
      const taken = new Set(byId.keys());
      let added = 0;
      let updated = 0;
      for (const [i, raw] of incoming.entries()) {
        const id =
          raw.id !== undefined && !raw.id.startsWith(SANDBOX_ID_PREFIX)
            ? raw.id
            : slugId(raw.name, taken);
        const candidate = {
          id,
          name: raw.name,
          kind: raw.kind,
          identityModel: raw.identityModel ?? 'legacy',
          ...(raw.productCode !== undefined && raw.productCode !== ''
            ? { productCode: raw.productCode }
            : {}),
          dimensions: raw.dimensions.map((d) => ({
            name: d.name,
            description: d.description ?? '',
          })),
          source: 'user' as const,
        };
        const checked = productSchema.safeParse(candidate);
        if (!checked.success) {
          const first = checked.error.issues[0];
          throw new AppError(
            'VALIDATION',
            `Product ${i + 1} ("${raw.name}"): ${first?.message ?? 'invalid'}`,
            { hint: 'Fix the product in the file and import it again.' },
          );
        }
        if (byId.has(id)) updated += 1;
        else added += 1;
        byId.set(id, checked.data);
        taken.add(id);
      }
      const catalog = await save([...byId.values()]);
      return { added, updated, catalog };
    },
    exportJson() {
      const products = readUser().map(({ source: _source, ...rest }) => rest);
      const text = `${JSON.stringify({ format: CATALOG_FILE_FORMAT, version: 1, products }, null, 2)}\n`;
      return { fileName: 'meterdesk-catalog.json', text };
    },
  };
}
