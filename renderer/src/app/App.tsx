// The shell: the banner (sandbox band and top bar), navigation and the routed screen.
import { useEffect, useRef, type MouseEvent, type ReactNode } from 'react';
import { useAppInfo, useSettings, useSettingsSync } from '../api/queries';
import { AuditScreen } from '../features/audit/AuditScreen';
import { ConnectionsScreen } from '../features/connections/ConnectionsScreen';
import { ContainersScreen } from '../features/containers/ContainersScreen';
import { CorrectionsScreen } from '../features/corrections/CorrectionsScreen';
import { CustomersScreen } from '../features/customers/CustomersScreen';
import { JournalScreen } from '../features/journal/JournalScreen';
import { MeteringScreen } from '../features/metering/MeteringScreen';
import { SettingsScreen } from '../features/settings/SettingsScreen';
import { ErrorBoundary } from './ErrorBoundary';
import { LeaveGuardDialog } from './leave-guard';
import { Nav } from './Nav';
import { NotFound } from './NotFound';
import { useRoutePath } from './router';
import { findRoute, type RouteId } from './routes';
import { StartupNotices } from './StartupNotices';
import { JournalBrokenBanner } from '../features/journal/JournalBrokenBanner';
import { useApplyTheme } from './theme';
import { TopBar } from './TopBar';

const screens: Record<RouteId, () => ReactNode> = {
  metering: () => <MeteringScreen />,
  customers: () => <CustomersScreen />,
  containers: () => <ContainersScreen />,
  audit: () => <AuditScreen />,
  journal: () => <JournalScreen />,
  corrections: () => <CorrectionsScreen />,
  connections: () => <ConnectionsScreen />,
  settings: () => <SettingsScreen />,
};

export function App() {
  useSettingsSync();
  const settings = useSettings();
  useApplyTheme(settings.data?.theme);
  const appInfo = useAppInfo();
  const path = useRoutePath();
  const route = findRoute(path);
  const mainRef = useRef<HTMLElement>(null);
  const previousPath = useRef<string | null>(null);

  useEffect(() => {
    document.title = route ? `${route.label} — Meterdesk` : 'Meterdesk';
    // After a navigation (not the first paint), move focus to the new screen's heading so
    // keyboard and screen-reader users land on what changed.
    if (previousPath.current !== null && previousPath.current !== path) {
      mainRef.current?.querySelector<HTMLElement>('[data-screen-heading]')?.focus();
    }
    previousPath.current = path;
  }, [path, route]);

  const skipToContent = (event: MouseEvent<HTMLAnchorElement>): void => {
    // A plain "#main" would replace the route in the hash.
    event.preventDefault();
    mainRef.current?.focus();
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={skipToContent}>
        Skip to content
      </a>
      <TopBar appInfo={appInfo} />
      <StartupNotices />
      <JournalBrokenBanner />
      <LeaveGuardDialog />
      <div className="body">
        <Nav currentPath={path} />
        <main id="main" className="main" ref={mainRef} tabIndex={-1}>
          <ErrorBoundary resetKey={path}>
            {route ? screens[route.id]() : <NotFound path={path} />}
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}
