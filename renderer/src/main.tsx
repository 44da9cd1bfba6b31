// Renderer entry. Order matters: the bridge takes the session token out of the URL before
// the router normalises the hash.
// The base stylesheet first, so components' and screens' own rules come after it.
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { getBridge } from './api/bridge';
import { createQueryClient } from './api/queries';
import { App } from './app/App';
import { ensureRouteInHash } from './app/router';
import { applyCachedTheme } from './app/theme';

getBridge();
ensureRouteInHash();
applyCachedTheme();

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('Meterdesk: #root is missing from index.html');

createRoot(rootElement).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
