// Hooks of the containers area over the bridge: RegisterUsage, signature verification (in main),
// the Sandbox's public key, and MeterUsage through the metering submission.
import { useMutation, useQuery } from '@tanstack/react-query';
import type {
  CallerView,
  PublicKeyEntry,
  RegisterUsageInput,
  RegisterUsageResult,
  VerifySignatureResult,
} from '../../../shared/channels/containers';
import type { BillingConfirmation, BillingPreview } from '../../../shared/billing-confirmation';
import type { SubmissionStatus } from '../../../shared/channels/metering-submit';
import type { UsageRecord } from '../../../shared/metering';
import { BridgeError, request } from './queries';

/** Sends once and, when main asks for the billing confirmation, asks the user and sends again. */
export type BillingRun = <T>(
  send: (answer: { confirmation?: BillingConfirmation }) => Promise<T>,
) => Promise<T | null>;

/**
 * Who the active connection's calls sign as (STS GetCallerIdentity in main). Keyed by connection
 * and region, so switching either asks again.
 */
export function useContainerCaller(connectionId: string | undefined, region: string | undefined) {
  return useQuery<CallerView>({
    queryKey: ['containers', 'caller', connectionId ?? '', region ?? ''],
    queryFn: () => request('containers:caller', {}),
    enabled: connectionId !== undefined,
    staleTime: 60_000,
    retry: false,
  });
}

/** RegisterUsage bills on a real connection: it goes through the billing confirmation. */
export function useRegisterUsage(run: BillingRun) {
  return useMutation<RegisterUsageResult | null, BridgeError, RegisterUsageInput>({
    mutationFn: (input) =>
      run((answer) => request('containers:register-usage', { ...input, ...answer })),
  });
}

export function useVerifySignature() {
  return useMutation<
    VerifySignatureResult,
    BridgeError,
    { signature: string; publicKeys: PublicKeyEntry[]; expected?: RegisterUsageInput }
  >({
    mutationFn: (input) => request('containers:verify-signature', input),
  });
}

export function useSandboxPublicKey() {
  return useMutation<
    { version: number; current: boolean; pem: string; rotatedAt?: string },
    BridgeError,
    number
  >({
    mutationFn: (version) => request('sandbox:public-key', { version }),
  });
}

/**
 * One MeterUsage record through the metering area's submission, so it is journaled before it is
 * sent like every other submission; waits for its final status. A dry run goes straight in (it
 * meters nothing); a real send is previewed (metering:plan) and confirmed with main's billing
 * preview first. Resolves null when the confirmation was cancelled.
 */
export function useMeterUsageSubmission() {
  return useMutation<
    SubmissionStatus | null,
    BridgeError,
    {
      record: UsageRecord;
      dryRun: boolean;
      confirm: (preview: BillingPreview) => Promise<{ confirmation?: BillingConfirmation } | null>;
    }
  >({
    mutationFn: async ({ record, dryRun, confirm }) => {
      let started: { submissionId: string };
      if (dryRun) {
        started = await request('metering:submit', {
          operation: 'MeterUsage',
          records: [record],
          dryRun,
        });
      } else {
        const plan = await request('metering:plan', { records: [record] });
        const issue = plan.problems[0]?.issues.find((i) => i.severity === 'error');
        if (plan.planId === null || plan.checks.billing === null) {
          throw new BridgeError({
            code: 'VALIDATION',
            message: issue?.message ?? 'The record cannot be sent.',
            ...(issue ? { hint: issue.fix } : {}),
          });
        }
        const answer = await confirm(plan.checks.billing);
        if (answer === null) return null;
        started = await request('metering:submit', { planId: plan.planId, ...answer });
      }
      for (;;) {
        const status = await request('metering:submission-status', {
          submissionId: started.submissionId,
        });
        if (status.state !== 'running') return status;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
  });
}
