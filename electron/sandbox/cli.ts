// `npm run sandbox -- [--port N] [--data DIR] [--seed N] [--regions us-east-1,eu-west-1]
//   [--history-events N] [--no-rate-limits]`
// Prints exactly one JSON line on stdout when ready (endpoint, region, keys, admin token) and
// serves until SIGINT/SIGTERM. Everything else goes to stderr so the line is machine-readable.
import { join } from 'node:path';
import { parseRegionList, startSandbox } from './index';

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    if (eq !== -1) {
      args.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else if (arg.startsWith('--no-')) {
      args.set(arg.slice(2), 'true');
    } else {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`Missing value for ${arg}`);
      args.set(arg.slice(2), value);
      i++;
    }
  }
  return args;
}

function intArg(args: Map<string, string>, name: string): number | undefined {
  const value = args.get(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const port = intArg(args, 'port');
  const seed = intArg(args, 'seed');
  const historyEvents = intArg(args, 'history-events');
  const regions = args.get('regions');
  const sandbox = await startSandbox({
    dataDir: args.get('data') ?? join(process.cwd(), '.sandbox-data'),
    ...(port !== undefined ? { port } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(regions !== undefined ? { regions: parseRegionList(regions) } : {}),
    ...(historyEvents !== undefined ? { historyEvents } : {}),
    rateLimits: !args.has('no-rate-limits'),
  });
  process.stdout.write(
    `${JSON.stringify({
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      regions: sandbox.regions,
      accessKeyId: sandbox.accessKeyId,
      secretAccessKey: sandbox.secretAccessKey,
      adminToken: sandbox.adminToken,
    })}\n`,
  );
  const stop = (signal: string): void => {
    process.stderr.write(`sandbox: ${signal}, closing\n`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`sandbox: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
