// Renders the whole app at one screen, as main.tsx does, for tests against the live core.
import { QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import { createQueryClient } from '../api/queries';
import { App } from '../app/App';

export function renderAppAt(path: string): RenderResult {
  window.location.hash = `#${path}`;
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <App />
    </QueryClientProvider>,
  );
}
