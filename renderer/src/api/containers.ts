// Hooks of the containers area over the bridge: RegisterUsage, signature verification (in main),
// the Sandbox's public key, and MeterUsage through the metering submission.
import { useMutation } from '@tanstack/react-query';
import type {
  RegisterUsageInput,
  RegisterUsageResult,
  VerifySignatureResult,
} from '../../../shared/channels/containers';
import type { SubmissionStatus } from '../../../shared/channels/metering-submit';
import type { UsageRecord } from '../../../shared/metering';
import { type BridgeError, request } from './queries';

export function useRegisterUsage() {
  return useMutation<RegisterUsageResult, BridgeError, RegisterUsageInput>({
    mutationFn: (input) => request('containers:register-usage', input),
  });
}

export function useVerifySignature() {
  return useMutation<
    VerifySignatureResult,
    BridgeError,
    { signature: string; publicKeyPem: string; expected?: RegisterUsageInput }
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
 * One MeterUsage record through the metering area's submission (metering:submit), so it is
 * journaled before it is sent like every other submission; waits for its final status.
 */
export function useMeterUsageSubmission() {
  return useMutation<SubmissionStatus, BridgeError, { record: UsageRecord; dryRun: boolean }>({
    mutationFn: async ({ record, dryRun }) => {
      const started = await request('metering:submit', {
        operation: 'MeterUsage',
        records: [record],
        dryRun,
      });
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
