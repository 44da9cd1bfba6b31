// The keys of a keys connection, typed again when its endpoint changes: the core refuses to send
// saved keys anywhere new otherwise. The secrets stay in uncontrolled password inputs, never in
// React state.
import type { RefObject } from 'react';
import { Field } from '../../components/Field';

export type ReenterKeysInputs = {
  accessKeyId: string;
  setAccessKeyId: (value: string) => void;
  secretRef: RefObject<HTMLInputElement | null>;
  tokenRef: RefObject<HTMLInputElement | null>;
  /** Whether each secret input holds something: the form checks presence as they change. */
  onSecretFilled: (filled: boolean) => void;
  onTokenFilled: (filled: boolean) => void;
};

export function ReenterKeysFields({
  inputs,
  show,
  hasSessionToken,
}: {
  inputs: ReenterKeysInputs;
  show: (key: string) => string | undefined;
  hasSessionToken: boolean;
}) {
  return (
    <fieldset>
      <legend>The keys again</legend>
      <p className="notice" role="note">
        The endpoint changes where this connection’s requests go. Type its keys again to allow it;
        they replace the saved ones.
      </p>
      <Field label="Access key id" error={show('keys.accessKeyId')}>
        {(control) => (
          <input
            {...control}
            className="mono"
            autoComplete="off"
            spellCheck={false}
            value={inputs.accessKeyId}
            onChange={(e) => inputs.setAccessKeyId(e.target.value)}
          />
        )}
      </Field>
      <Field label="Secret access key" error={show('keys.secretAccessKey')}>
        {(control) => (
          <input
            {...control}
            ref={inputs.secretRef}
            type="password"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => inputs.onSecretFilled(e.target.value.trim() !== '')}
          />
        )}
      </Field>
      {hasSessionToken && (
        <Field label="Session token" error={show('keys.sessionToken')}>
          {(control) => (
            <input
              {...control}
              ref={inputs.tokenRef}
              type="password"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => inputs.onTokenFilled(e.target.value.trim() !== '')}
            />
          )}
        </Field>
      )}
    </fieldset>
  );
}
