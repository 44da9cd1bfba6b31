// Wires the customers area's services to its channels.
import type { customersChannels } from '../../../shared/channels/customers';
import type { AreaWiring, CoreDeps } from './types';

export type CustomersChannel = keyof typeof customersChannels;

export function wireCustomers(_deps: CoreDeps): AreaWiring<CustomersChannel> {
  return { handlers: {} };
}
