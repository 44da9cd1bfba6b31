import { ComingLater } from '../../components/ComingLater';
import { Screen } from '../../components/Screen';

export function CustomersScreen() {
  return (
    <Screen
      title="Customers"
      purpose="Resolve the registration tokens buyers’ browsers post to your sign-up page into customer and product IDs (ResolveCustomer)."
    >
      <ComingLater
        items={[
          'Paste one token or many and resolve them, with a plain explanation for tokens that are expired or invalid.',
          'See the customer identifier, customer AWS account and product code, whole and copyable.',
          'Keep a local list of resolved customers to use when metering.',
        ]}
      />
    </Screen>
  );
}
