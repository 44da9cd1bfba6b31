// One customer, one view: the same buyer appears as a CustomerIdentifier (legacy SaaS products)
// and as an AWS account id (every newer record), with nothing on a record linking the two. The
// directory links them from what the app has seen together — a ResolveCustomer answer that
// carried both, the Sandbox's own customers and subscriptions — and gives each buyer a name
// where one is known. Pure: every source is a port, and a source that fails is skipped (the
// others still link).
import type {
  CustomerDirectory,
  DirectoryCustomer,
} from '../../../shared/channels/customer-directory';

/** Ids seen together on one thing (a resolution, a subscription, an AWS echo). */
export type IdentitySighting = {
  customerIdentifier?: string | undefined;
  customerAwsAccountId?: string | undefined;
  /** The buyer's name, when the source knows it (the Sandbox's world does; AWS never says). */
  name?: string | undefined;
  source: DirectoryCustomer['sources'][number];
};

export type DirectorySource = () => Promise<readonly IdentitySighting[]>;

export type CustomerDirectoryPorts = {
  sources: readonly DirectorySource[];
  onSourceError?: (error: unknown) => void;
};

const accountNode = (id: string): string => `a:${id}`;
const identifierNode = (id: string): string => `c:${id}`;

/** Union-find over ids: two ids seen together are one customer, transitively. */
function createLinks() {
  const parent = new Map<string, string>();
  const find = (node: string): string => {
    let root = node;
    while (parent.get(root) !== undefined && parent.get(root) !== root) {
      root = parent.get(root) ?? root;
    }
    // Path compression keeps later lookups short.
    let at = node;
    while (at !== root) {
      const next = parent.get(at) ?? root;
      parent.set(at, root);
      at = next;
    }
    if (!parent.has(root)) parent.set(root, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    // The smaller key wins, so the result does not depend on the order sightings arrive in.
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  return { find, union, nodes: () => [...parent.keys()] };
}

function nodesOf(sighting: IdentitySighting): string[] {
  const nodes: string[] = [];
  if (sighting.customerAwsAccountId) nodes.push(accountNode(sighting.customerAwsAccountId));
  if (sighting.customerIdentifier) nodes.push(identifierNode(sighting.customerIdentifier));
  return nodes;
}

/** Groups sightings into customers: every id with every other id it was ever seen with. */
export function linkCustomers(sightings: readonly IdentitySighting[]): DirectoryCustomer[] {
  const links = createLinks();
  for (const sighting of sightings) {
    const [first, ...rest] = nodesOf(sighting);
    if (first === undefined) continue;
    links.find(first);
    for (const node of rest) links.union(first, node);
  }
  const groups = new Map<string, DirectoryCustomer>();
  const group = (root: string): DirectoryCustomer => {
    let found = groups.get(root);
    if (!found) {
      found = { accountIds: [], identifiers: [], sources: [] };
      groups.set(root, found);
    }
    return found;
  };
  for (const node of links.nodes()) {
    const target = group(links.find(node));
    const id = node.slice(2);
    if (node.startsWith('a:')) target.accountIds.push(id);
    else target.identifiers.push(id);
  }
  for (const sighting of sightings) {
    const [first] = nodesOf(sighting);
    if (first === undefined) continue;
    const target = group(links.find(first));
    if (!target.sources.includes(sighting.source)) target.sources.push(sighting.source);
    if (sighting.name !== undefined && sighting.name !== '' && target.name === undefined) {
      target.name = sighting.name;
    }
  }
  const customers = [...groups.values()];
  for (const c of customers) {
    c.accountIds.sort();
    c.identifiers.sort();
    c.sources.sort();
  }
  return customers.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
}

function sortKey(customer: DirectoryCustomer): string {
  return `${customer.name ?? '~'}\n${customer.accountIds[0] ?? ''}\n${customer.identifiers[0] ?? ''}`;
}

export function createCustomerDirectory(ports: CustomerDirectoryPorts) {
  return {
    async list(): Promise<CustomerDirectory> {
      const answers = await Promise.allSettled(ports.sources.map((source) => source()));
      const sightings: IdentitySighting[] = [];
      for (const answer of answers) {
        if (answer.status === 'fulfilled') sightings.push(...answer.value);
        else ports.onSourceError?.(answer.reason);
      }
      return { customers: linkCustomers(sightings) };
    },
  };
}

export type CustomerDirectoryService = ReturnType<typeof createCustomerDirectory>;
