// `electron-vite dev` points the window at its dev server through ELECTRON_RENDERER_URL. A
// packaged app never honours it (anyone who can set an environment variable could otherwise
// load their own page with the preload's bridge), and a development build only for a plain
// http://localhost URL, which is what the dev server uses.

/** The dev server's URL when it may be used, else null (the window loads app://meterdesk/). */
export function devRendererUrl(value: string | undefined, isPackaged: boolean): string | null {
  if (isPackaged || value === undefined || value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || url.hostname !== 'localhost') return null;
  if (url.username !== '' || url.password !== '') return null;
  return url.href;
}
