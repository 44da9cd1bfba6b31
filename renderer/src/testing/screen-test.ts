// The start of every screen test: the live core connected, the clock pinned to it, and Testing
// Library's waits long enough for a core on a loaded machine.
import { configure } from '@testing-library/react';
import { connectLiveCore } from './live-core';

export function startScreenTest(): { now: number } {
  configure({ asyncUtilTimeout: 15_000 });
  return connectLiveCore();
}
