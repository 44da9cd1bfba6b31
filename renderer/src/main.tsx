// Renderer entry. Order matters: the locale guard runs before any library module loads (some
// read navigator.language as they load); the base stylesheet comes before components' and
// screens' own rules; the bridge takes the session token out of the URL before the router
// normalises the hash. The app itself is loaded afterwards, so a module that throws while
// loading shows the recovery view instead of a blank window.
import './app/locale-guard';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { reportRendererError, reportUncaughtErrors } from './api/app-health';
import { getBridge } from './api/bridge';
import { createQueryClient } from './api/queries';
import { RootErrorBoundary } from './app/ErrorBoundary';
import { RootFailure } from './app/RootFailure';
import { ensureRouteInHash } from './app/router';
import { applyCachedTheme } from './app/theme';

getBridge();
ensureRouteInHash();
applyCachedTheme();
reportUncaughtErrors();

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('Meterdesk: #root is missing from index.html');
const root = createRoot(rootElement);

import('./app/App').then(
  ({ App }) => {
    root.render(
      <StrictMode>
        <RootErrorBoundary>
          <QueryClientProvider client={createQueryClient()}>
            <App />
          </QueryClientProvider>
        </RootErrorBoundary>
      </StrictMode>,
    );
  },
  (error: unknown) => {
    root.render(<RootFailure error={error} />);
    void reportRendererError('load', error).then((logFile) => {
      root.render(<RootFailure error={error} logFile={logFile} />);
    });
  },
);
