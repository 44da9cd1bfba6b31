// The SecretStore of the browser host (and of any host without OS encryption): it never stores
// anything. Keys can still be used for the current run, held in memory by the connections service.
import { AppError } from '../../../shared/errors';
import type { SecretStore } from '../../services/ports';

export const browserHostRefusal =
  'The browser host has no access to the operating system’s encrypted storage, so keys cannot be saved.';

export function createRefusingSecretStore(reason: string = browserHostRefusal): SecretStore {
  return {
    status: () => ({ available: false, reason }),
    save() {
      throw new AppError('ENCRYPTION_UNAVAILABLE', `Meterdesk cannot save these keys: ${reason}`, {
        hint: 'Use them for this run only: they stay in memory and are forgotten when Meterdesk quits.',
        retryable: false,
      });
    },
    load: () => undefined,
    remove: () => undefined,
  };
}
