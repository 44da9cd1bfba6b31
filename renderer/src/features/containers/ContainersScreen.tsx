import { ComingLater } from '../../components/ComingLater';
import { Screen } from '../../components/Screen';

export function ContainersScreen() {
  return (
    <Screen
      title="Containers"
      purpose="Check container product registrations (RegisterUsage) and what they report."
    >
      <ComingLater
        items={[
          'Test a RegisterUsage call for a product code and public key version.',
          'Read the signed token and the time of the next expected check-in.',
          'See the reasons a registration was refused, explained in plain words.',
        ]}
      />
    </Screen>
  );
}
