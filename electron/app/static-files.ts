// Maps a request path onto a file of the built renderer, for both hosts. Traversal is refused
// before the file system is touched (decoded "..", backslashes, NUL, drive colons, dotfiles),
// and the real path is checked again after symlinks are resolved.
import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; filePath: string; contentType: string; isIndex: boolean }
  | { kind: 'bad-request' }
  | { kind: 'not-found' };

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function fileIfInside(
  rootReal: string,
  candidate: string,
  isIndex: boolean,
): Promise<StaticLookup | null> {
  try {
    const info = await stat(candidate);
    if (!info.isFile()) return null;
    const real = await realpath(candidate);
    if (!isInside(rootReal, real)) return { kind: 'not-found' };
    return { kind: 'file', filePath: real, contentType: contentTypeFor(real), isIndex };
  } catch {
    return null;
  }
}

/**
 * Resolve a URL path (without query or fragment, still percent-encoded) under `rootDir`.
 * "/" and unknown extension-less paths (client-side routes) give index.html.
 */
export async function resolveStaticFile(rootDir: string, rawPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'bad-request' };
  }
  if (!decoded.startsWith('/') || /[\\\0:]/.test(decoded)) return { kind: 'bad-request' };
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    return { kind: 'bad-request' };
  }
  // Dotfiles are never part of the build; refusing them keeps stray secrets unreachable.
  if (segments.some((segment) => segment.startsWith('.'))) return { kind: 'not-found' };

  let rootReal: string;
  try {
    rootReal = await realpath(resolve(rootDir));
  } catch {
    return { kind: 'not-found' };
  }
  const indexPath = join(rootReal, 'index.html');
  const wantsIndex = segments.length === 0 || decoded.endsWith('/');
  const target = wantsIndex
    ? join(rootReal, ...segments, 'index.html')
    : join(rootReal, ...segments);
  if (!isInside(rootReal, target)) return { kind: 'bad-request' };

  const found = await fileIfInside(rootReal, target, target === indexPath);
  if (found) return found;
  const last = segments[segments.length - 1] ?? '';
  if (extname(last) === '') {
    const index = await fileIfInside(rootReal, indexPath, true);
    if (index) return index;
  }
  return { kind: 'not-found' };
}
