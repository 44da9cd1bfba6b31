// The import screen keeps its import alive in main: main frees an import nobody has kept for
// IMPORT_IDLE_MS, so a forgotten one does not hold its rows forever, while one on screen stays
// however many newer imports come after it.
import { useEffect } from 'react';
import { IMPORT_KEEP_ALIVE_MS, keepImports } from '../../api/metering';

/** Tells main every minute that this screen still shows the import; stops when it goes. */
export function useKeepImportAlive(
  handle: string | undefined,
  keep: (handles: string[]) => Promise<unknown> = keepImports,
): void {
  useEffect(() => {
    if (handle === undefined) return;
    const timer = setInterval(
      () => void keep([handle]).catch(() => undefined),
      IMPORT_KEEP_ALIVE_MS,
    );
    return () => clearInterval(timer);
  }, [handle, keep]);
}
