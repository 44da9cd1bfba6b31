// LookupEventsPort over the AWS SDK. Client creation (credentials, endpoint, retries) stays in
// the client factory; this maps parameters and results, and failures through the one AWS error
// mapper, whose verdict (throttled, transient, stale page token…) the sync engine acts on.
import { LookupEventsCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { LookupEvent, LookupEventsPort } from '../../services/audit/sync';
import { mapAwsError } from './error-map';

/** One client per region (CloudTrail event history is regional), or one client for its region. */
export function createCloudTrailLookup(
  clients: CloudTrailClient | ((region: string) => CloudTrailClient),
): LookupEventsPort {
  const clientFor = typeof clients === 'function' ? clients : () => clients;
  return async (params) => {
    const output = await clientFor(params.region)
      .send(
        new LookupEventsCommand({
          LookupAttributes: [
            { AttributeKey: params.attribute.key, AttributeValue: params.attribute.value },
          ],
          StartTime: params.startTime === undefined ? undefined : new Date(params.startTime),
          EndTime: params.endTime === undefined ? undefined : new Date(params.endTime),
          MaxResults: params.maxResults,
          NextToken: params.nextToken,
        }),
      )
      .catch((error: unknown) => {
        throw mapAwsError(error, { operation: 'LookupEvents', region: params.region });
      });
    const events: LookupEvent[] = [];
    for (const e of output.Events ?? []) {
      // Without an id or the record there is nothing to audit or deduplicate.
      if (!e.EventId || e.CloudTrailEvent === undefined) continue;
      const event: LookupEvent = {
        eventId: e.EventId,
        eventTime: e.EventTime ? e.EventTime.getTime() : Number.NaN,
        cloudTrailEvent: e.CloudTrailEvent,
      };
      if (e.EventName !== undefined) event.eventName = e.EventName;
      if (e.EventSource !== undefined) event.eventSource = e.EventSource;
      if (e.Username !== undefined) event.username = e.Username;
      if (e.AccessKeyId !== undefined) event.accessKeyId = e.AccessKeyId;
      events.push(event);
    }
    return output.NextToken ? { events, nextToken: output.NextToken } : { events };
  };
}
