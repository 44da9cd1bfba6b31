// Left navigation: a list of plain links, so it works with Tab/Enter and screen readers.
import { hrefFor } from './router';
import { primaryRoutes, secondaryRoutes, type RouteDef } from './routes';

function NavList({ routes, currentPath }: { routes: readonly RouteDef[]; currentPath: string }) {
  return (
    <ul>
      {routes.map((route) => (
        <li key={route.id}>
          <a
            href={hrefFor(route.path)}
            aria-current={route.path === currentPath ? 'page' : undefined}
          >
            {route.label}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function Nav({ currentPath }: { currentPath: string }) {
  return (
    <nav className="nav" aria-label="Main">
      <NavList routes={primaryRoutes} currentPath={currentPath} />
      <div className="nav-secondary">
        <NavList routes={secondaryRoutes} currentPath={currentPath} />
      </div>
    </nav>
  );
}
