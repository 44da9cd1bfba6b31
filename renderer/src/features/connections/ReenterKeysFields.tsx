// The keys of a keys connection, typed again when its endpoint changes: the core refuses to send
// saved keys anywhere new otherwise. The secrets stay in uncontrolled password inputs, never in
// React state.
import { Field } from '../../components/Field';
import { SecretField, type SecretInput } from './SignInFields';

export type ReenterKeysInputs = {
  accessKeyId: string;
  setAccessKeyId: (value: string) => void;
  /** The secret inputs report whether they hold something: the form checks presence. */
  secret: SecretInput;
  token: SecretInput;
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
      <SecretField
        label="Secret access key"
        error={show('keys.secretAccessKey')}
        input={inputs.secret}
      />
      {hasSessionToken && (
        <SecretField label="Session token" error={show('keys.sessionToken')} input={inputs.token} />
      )}
    </fieldset>
  );
}
