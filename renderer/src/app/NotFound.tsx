import { Screen } from '../components/Screen';
import { hrefFor } from './router';
import { defaultPath } from './routes';

export function NotFound({ path }: { path: string }) {
  return (
    <Screen title="Page not found" purpose={`There is no screen at “${path}”.`}>
      <p>
        <a href={hrefFor(defaultPath)}>Go to Metering</a>
      </p>
    </Screen>
  );
}
