import { useAppInfo } from '../../api/queries';
import { Screen } from '../../components/Screen';
import '../customers/customers.css';
import { CallerIdentity } from './CallerIdentity';
import { MeterUsagePanel } from './MeterUsagePanel';
import { RegisterUsagePanel } from './RegisterUsagePanel';

export function ContainersScreen() {
  const appInfo = useAppInfo();
  const isSandbox = appInfo.data?.activeConnection?.isSandbox === true;
  return (
    <Screen
      title="Containers"
      purpose="Try a container registration (RegisterUsage) and check its signature, or check MeterUsage permissions for an AMI or container product."
    >
      <div className="cu-notice cu-notice-info" role="note">
        <p>
          In production, RegisterUsage and MeterUsage run inside the buyer’s container or instance,
          with the buyer’s role, and AWS logs them in the buyer’s account, not yours. Here they run
          with the active connection
          {appInfo.data?.activeConnection ? ` (${appInfo.data.activeConnection.name})` : ''}, to
          check a product code, a key version, a signature or a permission.
        </p>
      </div>
      <CallerIdentity connection={appInfo.data?.activeConnection ?? null} />
      <RegisterUsagePanel isSandbox={isSandbox} />
      <MeterUsagePanel />
    </Screen>
  );
}
