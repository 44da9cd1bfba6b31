import { ComingLater } from '../../components/ComingLater';
import { Screen } from '../../components/Screen';

export function AuditScreen() {
  return (
    <Screen
      title="Audit"
      purpose="Browse the CloudTrail history of BatchMeterUsage calls to verify that what was metered is what was meant."
    >
      <ComingLater
        items={[
          'Sync CloudTrail events at CloudTrail’s own rate limit, cached locally past its 90 days.',
          'Filter, sort and count events in a fast table, with the complete date range stated plainly.',
          'Chart usage over time per customer and dimension, numbers one hover away.',
          'Compare what the journal says was sent with what CloudTrail recorded.',
        ]}
      />
    </Screen>
  );
}
