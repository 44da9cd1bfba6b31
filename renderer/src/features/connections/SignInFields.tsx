// How a new connection signs in: an AWS profile from the shared config files, or pasted keys.
import type { RefObject } from 'react';
import { useProfiles } from '../../api/connections';
import { Field } from '../../components/Field';
import type { AddDraft } from './connection-drafts';
import { profileKindLabels } from './credentials-label';
import type { AddConnectionFormState } from './useAddConnectionForm';

export type SecretInput = {
  ref: RefObject<HTMLInputElement | null>;
  onFilled: (filled: boolean) => void;
};

function ProfileField({ form }: { form: AddConnectionFormState }) {
  const { draft, set, show } = form;
  const profiles = useProfiles(draft.sourceKind === 'profile');
  const usable = profiles.data?.profiles ?? [];
  return (
    <Field
      label="Profile"
      error={show('source.profile')}
      help={
        profiles.data
          ? `From ${profiles.data.configFile} and ${profiles.data.credentialsFile}; re-read when they change.`
          : undefined
      }
    >
      {(control) => (
        <select
          {...control}
          value={draft.profile}
          onChange={(e) => {
            const chosen = usable.find((p) => p.name === e.target.value);
            set({
              profile: e.target.value,
              ...(draft.name === '' ? { name: e.target.value } : {}),
              ...(chosen?.region !== undefined ? { region: chosen.region } : {}),
            });
          }}
        >
          <option value="">Choose a profile…</option>
          {usable.map((p) => (
            <option key={p.name} value={p.name} disabled={p.kind === 'unknown'}>
              {p.name} — {profileKindLabels[p.kind]}
              {p.problem !== undefined ? ` (${p.problem})` : ''}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A secret typed into an uncontrolled password input: its value never enters React state. */
export function SecretField({
  label,
  error,
  help,
  input,
}: {
  label: string;
  error: string | undefined;
  help?: string;
  input: SecretInput;
}) {
  return (
    <Field label={label} error={error} help={help}>
      {(control) => (
        <input
          {...control}
          ref={input.ref}
          type="password"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => input.onFilled(e.target.value.trim() !== '')}
        />
      )}
    </Field>
  );
}

function KeyFields({ form }: { form: AddConnectionFormState }) {
  const { draft, set, show, secretStorage } = form;
  return (
    <>
      <Field label="Access key id" error={show('source.accessKeyId')}>
        {(control) => (
          <input
            {...control}
            className="mono"
            autoComplete="off"
            spellCheck={false}
            value={draft.accessKeyId}
            onChange={(e) => set({ accessKeyId: e.target.value })}
          />
        )}
      </Field>
      <SecretField
        label="Secret access key"
        error={show('source.secretAccessKey')}
        input={form.secretInput}
      />
      <SecretField
        label="Session token (optional)"
        error={show('source.sessionToken')}
        help="Only for temporary keys (those starting with ASIA)."
        input={form.tokenInput}
      />
      <Field
        label="Expires at, UTC (optional)"
        help="When temporary keys stop working; Meterdesk then stops before sending."
      >
        {(control) => (
          <input
            {...control}
            type="datetime-local"
            value={draft.expiresAt}
            onChange={(e) => set({ expiresAt: e.target.value })}
          />
        )}
      </Field>
      {secretStorage && !secretStorage.available && (
        <p className="notice" role="note">
          Keys cannot be saved here: {secretStorage.reason} You can still use them for this run
          only: they stay in memory and are forgotten when Meterdesk quits.
        </p>
      )}
    </>
  );
}

const sourceKinds: readonly { kind: AddDraft['sourceKind']; label: string }[] = [
  { kind: 'profile', label: 'AWS profile' },
  { kind: 'keys', label: 'Access keys' },
];

export function SignInFields({ form }: { form: AddConnectionFormState }) {
  const { draft, set } = form;
  return (
    <>
      <fieldset>
        <legend>Sign in with</legend>
        <div className="choice-row">
          {sourceKinds.map(({ kind, label }) => (
            <label key={kind} className="choice">
              <input
                type="radio"
                name="source-kind"
                checked={draft.sourceKind === kind}
                onChange={() => set({ sourceKind: kind })}
              />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      {draft.sourceKind === 'profile' ? <ProfileField form={form} /> : <KeyFields form={form} />}
    </>
  );
}
