// Hooks for the submission side of metering: submit, cancel, resume and live status. Outcomes
// stream as events; the status query is the full picture (refetched while the submission runs).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BillingConfirmation } from '../../../shared/billing-confirmation';
import type {
  RecordOutcomeView,
  SubmissionProgressView,
  SubmissionStatus,
  SubmitInput,
} from '../../../shared/channels/metering-submit';
import { request, useBridgeEvent } from './queries';

export const submitKeys = {
  status: (submissionId: string) => ['metering:submission-status', submissionId] as const,
};

export function useSubmitMetering() {
  return useMutation({
    mutationFn: (input: SubmitInput) => request('metering:submit', input),
  });
}

export function useCancelSubmission() {
  return useMutation({
    mutationFn: (submissionId: string) => request('metering:cancel', { submissionId }),
  });
}

/** Sends once and, when main asks for the billing confirmation, asks the user and sends again. */
export type BillingRun = <T>(
  send: (answer: { confirmation?: BillingConfirmation }) => Promise<T>,
) => Promise<T | null>;

/** What a resume would send again (its own preview), with the billing preview. */
export function useResumePreview(submissionId: string | null) {
  return useQuery({
    queryKey: ['metering:resume-preview', submissionId ?? ''],
    queryFn: () => request('metering:resume-preview', { submissionId: submissionId ?? '' }),
    enabled: submissionId !== null,
    staleTime: 0,
  });
}

/** Resumes through the billing confirmation (asked on real connections); null when cancelled. */
export function useResumeSubmission(run: BillingRun) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (submissionId: string) =>
      run((answer) => request('metering:resume', { submissionId, ...answer })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['journal:interrupted'] });
    },
  });
}

/** The whole status (every outcome); polled while running, final once ended. */
export function useSubmissionStatus(submissionId: string | null) {
  return useQuery<SubmissionStatus>({
    queryKey: submitKeys.status(submissionId ?? ''),
    queryFn: () => request('metering:submission-status', { submissionId: submissionId ?? '' }),
    enabled: submissionId !== null,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.state === 'running' ? 750 : false),
  });
}

/**
 * Live counters for one submission from the progress events (faster than the status poll), and
 * the outcomes streamed so far; falls back to the status query for anything missed.
 */
export function useSubmissionLive(submissionId: string | null): {
  progress: SubmissionProgressView | null;
  streamed: number;
  lastOutcomes: RecordOutcomeView[];
} {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<SubmissionProgressView | null>(null);
  const [streamed, setStreamed] = useState(0);
  const [lastOutcomes, setLastOutcomes] = useState<RecordOutcomeView[]>([]);
  useBridgeEvent('metering:submission-progress', (payload) => {
    if (payload.submissionId !== submissionId) return;
    setProgress(payload);
    if (payload.state !== 'running') {
      void queryClient.invalidateQueries({ queryKey: submitKeys.status(payload.submissionId) });
      void queryClient.invalidateQueries({ queryKey: ['journal:query'] });
    }
  });
  useBridgeEvent('metering:outcomes', (payload) => {
    if (payload.submissionId !== submissionId) return;
    setStreamed((n) => n + payload.outcomes.length);
    setLastOutcomes(payload.outcomes);
  });
  return { progress, streamed, lastOutcomes };
}
