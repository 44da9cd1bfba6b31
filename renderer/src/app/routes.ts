// Every screen of the app, in navigation order. Paths live in the URL hash ("#/metering").
export type RouteId =
  | 'metering'
  | 'customers'
  | 'containers'
  | 'audit'
  | 'journal'
  | 'corrections'
  | 'connections'
  | 'settings';

export type RouteDef = {
  id: RouteId;
  path: `/${string}`;
  label: string;
};

export const primaryRoutes: readonly RouteDef[] = [
  { id: 'metering', path: '/metering', label: 'Metering' },
  { id: 'customers', path: '/customers', label: 'Customers' },
  { id: 'containers', path: '/containers', label: 'Containers' },
  { id: 'audit', path: '/audit', label: 'Audit' },
  { id: 'journal', path: '/journal', label: 'Journal' },
  { id: 'corrections', path: '/corrections', label: 'Corrections' },
  { id: 'connections', path: '/connections', label: 'Connections' },
];

export const secondaryRoutes: readonly RouteDef[] = [
  { id: 'settings', path: '/settings', label: 'Settings' },
];

export const allRoutes: readonly RouteDef[] = [...primaryRoutes, ...secondaryRoutes];

export const defaultPath = '/metering';

export function findRoute(path: string): RouteDef | undefined {
  return allRoutes.find((route) => route.path === path);
}
