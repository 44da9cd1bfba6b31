// CloudTrail log files in the window: which files are trail files, and their text (a .gz
// decompressed with DecompressionStream, so main only ever sees JSON text).

/** Which files the importer takes: trail files (.json.gz) and the console's JSON download. */
export function isTrailFile(name: string): boolean {
  return /\.json(\.gz)?$/i.test(name) || /\.gz$/i.test(name);
}

/** The file's text; gzip (by name or by its magic bytes) is decompressed first. */
export async function readTrailText(file: Blob & { name: string }): Promise<string> {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  const gzip = /\.gz$/i.test(file.name) || (head[0] === 0x1f && head[1] === 0x8b);
  if (!gzip) return file.text();
  const stream = file.stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}
