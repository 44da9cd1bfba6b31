import { ComingLater } from '../../components/ComingLater';
import { Screen } from '../../components/Screen';

export function MeteringScreen() {
  return (
    <Screen
      title="Metering"
      purpose="Submit usage corrections for SaaS customers (BatchMeterUsage) and, rarely, AMI or container usage (MeterUsage)."
    >
      <ComingLater
        items={[
          'Enter or import usage records (CSV), checked as you type with the same rules AWS applies.',
          'Preview exactly what will be sent, with totals per dimension, before anything is billed.',
          'Submit in batches of up to 25 with a progress bar you can cancel; every record is journaled first.',
          'See each record’s outcome (accepted, duplicate, rejected) and retry only what failed.',
        ]}
      />
    </Screen>
  );
}
