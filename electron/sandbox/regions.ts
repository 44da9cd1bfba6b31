// The regions a sandbox serves. AWS keeps Event history per region (AWS-FACTS §2.4) and rates per
// account and region (§1.1), so each served region has its own CloudTrail store; a request signed
// for a region the sandbox does not serve fails the way AWS's endpoint refuses a foreign scope.
import { join } from 'node:path';
import { createCloudTrailStore, type CloudTrailStore } from './cloudtrail';

/** What the built-in sandbox and the CLI serve unless told otherwise. */
export const DEFAULT_REGIONS: readonly string[] = ['us-east-1', 'eu-west-1'];

/** AWS region names: partition-area-number, e.g. us-east-1, ap-southeast-4, us-gov-west-1. */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function isRegionName(value: string): boolean {
  return REGION_NAME.test(value);
}

/** `us-east-1,eu-west-1` → the list, de-duplicated in order; throws on a malformed name. */
export function parseRegionList(text: string): string[] {
  const regions = [
    ...new Set(
      text
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== ''),
    ),
  ];
  if (regions.length === 0) throw new Error('Name at least one region, e.g. us-east-1.');
  for (const region of regions) {
    if (!isRegionName(region)) throw new Error(`"${region}" is not an AWS region name.`);
  }
  return regions;
}

/**
 * The served regions with the home region first: the world's own region always stays served,
 * so a data folder created earlier keeps its CloudTrail history and ledger meaning.
 */
export function servedRegions(home: string, requested: readonly string[] | undefined): string[] {
  const rest = (requested ?? DEFAULT_REGIONS).filter((r) => r !== home);
  return [home, ...new Set(rest)];
}

export type RegionalCloudTrail = {
  /** The home region first. */
  readonly regions: readonly string[];
  /** The store of a served region; undefined for any other. */
  store(region: string): CloudTrailStore | undefined;
  /** Events per served region. */
  counts(): Record<string, number>;
  total(): number;
  reset(): void;
  flush(): Promise<void>;
};

/**
 * One CloudTrail store per served region. The home region keeps `<data>/cloudtrail` (the layout
 * of a single-region sandbox); every other region lives under `<data>/regions/<region>/`.
 */
export function createRegionalCloudTrail(options: {
  dataDir: string;
  regions: readonly string[];
  now: () => number;
}): RegionalCloudTrail {
  const [home] = options.regions;
  if (home === undefined) throw new Error('A sandbox serves at least one region.');
  const stores = new Map<string, CloudTrailStore>(
    options.regions.map((region) => [
      region,
      createCloudTrailStore({
        dataDir: region === home ? options.dataDir : join(options.dataDir, 'regions', region),
        now: options.now,
      }),
    ]),
  );
  return {
    regions: options.regions,
    store: (region) => stores.get(region),
    counts: () => Object.fromEntries([...stores].map(([region, store]) => [region, store.count()])),
    total: () => [...stores.values()].reduce((sum, store) => sum + store.count(), 0),
    reset() {
      for (const store of stores.values()) store.reset();
    },
    async flush() {
      await Promise.all([...stores.values()].map((store) => store.flush()));
    },
  };
}
