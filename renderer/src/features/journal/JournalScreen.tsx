import { ComingLater } from '../../components/ComingLater';
import { Screen } from '../../components/Screen';

export function JournalScreen() {
  return (
    <Screen
      title="Journal"
      purpose="The tamper-evident record of every submission: what was about to be sent, and what AWS answered."
    >
      <ComingLater
        items={[
          'Read every intent and outcome line, newest first, with the chain of hashes checked.',
          'Find submissions that have an intent but no outcome, and resolve them safely.',
          'Export the journal for an auditor.',
        ]}
      />
    </Screen>
  );
}
