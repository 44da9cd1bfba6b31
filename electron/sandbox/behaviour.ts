// Behaviour knobs: choices AWS documents more than one way, or answers the seeded world never
// produces on its own, switched on through `PUT /_sandbox/behaviour` so every documented answer
// can be practised and tested. Unlike faults they are not random: when on, they always apply.
// In memory only, like faults; POST /_sandbox/reset turns them all off.

/** The metering operations whose models list DisabledApiException (MeterUsage's does not). */
export const DISABLEABLE_APIS = ['BatchMeterUsage', 'ResolveCustomer', 'RegisterUsage'] as const;
export type DisableableApi = (typeof DISABLEABLE_APIS)[number];

export type SandboxBehaviour = {
  /**
   * APIs that are not enabled in a region (AWS-FACTS §1.1: "If an API is not enabled for the
   * calling product in a region, the call fails with DisabledApiException").
   */
  disabledApis?: Record<string, DisableableApi[]>;
  /**
   * A CustomerIdentifier that belongs to no buyer: `reject-call` fails the whole batch with
   * InvalidCustomerIdentifierException (the default; that error's model doc), `per-record`
   * answers that record CustomerNotSubscribed and bills the rest (the UsageRecordResult doc lists
   * "the customer identifier is invalid" as a cause of CustomerNotSubscribed). AWS-FACTS §1.3.
   */
  unknownCustomerIdentifier?: 'reject-call' | 'per-record';
  /**
   * The spelling of RegisterUsage's JWT claims: PascalCase as in the Seller Guide's example
   * payload (the default), or lowerCamel as AWS's Java verifier example reads them. AWS-FACTS §0.1.
   */
  jwtClaimCasing?: 'PascalCase' | 'lowerCamel';
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseDisabledApis(
  value: unknown,
  servedRegions: readonly string[],
): Record<string, DisableableApi[]> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    throw new Error(
      'disabledApis maps a region to a list of APIs, e.g. {"eu-west-1": ["BatchMeterUsage"]}.',
    );
  }
  const out: Record<string, DisableableApi[]> = {};
  for (const [region, apis] of Object.entries(value)) {
    if (!servedRegions.includes(region)) {
      throw new Error(
        `disabledApis: ${region} is not served (served: ${servedRegions.join(', ')}).`,
      );
    }
    if (!Array.isArray(apis)) throw new Error(`disabledApis.${region} must be a list of APIs.`);
    const list = apis.map((api: unknown): DisableableApi => {
      const known = DISABLEABLE_APIS.find((name) => name === api);
      if (!known) {
        throw new Error(
          `disabledApis.${region}: ${JSON.stringify(api)} cannot be disabled; AWS models DisabledApiException for ${DISABLEABLE_APIS.join(', ')} only.`,
        );
      }
      return known;
    });
    if (list.length > 0) out[region] = [...new Set(list)];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function parseChoice<T extends string>(
  value: unknown,
  name: string,
  choices: readonly T[],
): T | undefined {
  if (value === undefined || value === null) return undefined;
  const found = choices.find((choice) => choice === value);
  if (!found) throw new Error(`${name} must be one of ${choices.join(', ')}.`);
  return found;
}

/** PUT replaces: an omitted or null knob is off. Throws with a message naming the bad knob. */
export function parseBehaviour(
  body: Record<string, unknown>,
  servedRegions: readonly string[],
): SandboxBehaviour {
  const known = new Set(['disabledApis', 'unknownCustomerIdentifier', 'jwtClaimCasing']);
  for (const key of Object.keys(body)) {
    if (!known.has(key)) throw new Error(`Unknown behaviour knob ${key}.`);
  }
  const behaviour: SandboxBehaviour = {};
  const disabledApis = parseDisabledApis(body.disabledApis, servedRegions);
  if (disabledApis) behaviour.disabledApis = disabledApis;
  const unknownCustomer = parseChoice(body.unknownCustomerIdentifier, 'unknownCustomerIdentifier', [
    'reject-call',
    'per-record',
  ] as const);
  if (unknownCustomer) behaviour.unknownCustomerIdentifier = unknownCustomer;
  const casing = parseChoice(body.jwtClaimCasing, 'jwtClaimCasing', [
    'PascalCase',
    'lowerCamel',
  ] as const);
  if (casing) behaviour.jwtClaimCasing = casing;
  return behaviour;
}

/** Whether an API is switched off in a region. */
export function isApiDisabled(
  behaviour: SandboxBehaviour,
  region: string,
  operation: string,
): boolean {
  return behaviour.disabledApis?.[region]?.some((api) => api === operation) ?? false;
}
