// Edits a connection's non-secret settings through connections:update. How it signs in (the
// profile, or the pasted keys) is shown, never sent back; a keys connection whose endpoint
// changes needs its keys typed again.
import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import {
  updateConnectionInputSchema,
  type ConnectionInfo,
} from '../../../../shared/channels/connections';
import { useUpdateConnection } from '../../api/connections';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import {
  buildUpdateInput,
  editDraftOf,
  issuesByField,
  needsKeysAgain,
  type EditDraft,
} from './connection-drafts';
import { credentialsLabel } from './credentials-label';
import { editFormId } from './element-ids';
import { ReenterKeysFields } from './ReenterKeysFields';
import { TargetSettingsFields } from './TargetSettingsFields';

type EditConnectionFormProps = {
  connection: ConnectionInfo;
  onClose: (savedName?: string) => void;
};

function signsInField(connection: ConnectionInfo, now: number) {
  return connection.kind === 'profile'
    ? {
        label: 'Profile',
        value: connection.profile ?? '',
        help: 'To sign in with another profile, add a new connection.',
      }
    : {
        label: 'Access key',
        value: credentialsLabel(connection, now),
        help: 'The stored keys stay as they are; they are never shown. To use other keys, add a new connection.',
      };
}

export function EditConnectionForm({ connection, onClose }: EditConnectionFormProps) {
  const [draft, setDraft] = useState<EditDraft>(() => editDraftOf(connection));
  const [attempted, setAttempted] = useState(false);
  const update = useUpdateConnection();
  const nameRef = useRef<HTMLInputElement>(null);
  const [now] = useState(() => Date.now());
  const [accessKeyId, setAccessKeyId] = useState('');
  const secretRef = useRef<HTMLInputElement>(null);
  const tokenRef = useRef<HTMLInputElement>(null);
  const [secretFilled, setSecretFilled] = useState(false);
  const [tokenFilled, setTokenFilled] = useState(false);

  useEffect(() => {
    nameRef.current?.focus();
  }, []);

  const set = (patch: Partial<EditDraft>): void => {
    setDraft((current) => ({ ...current, ...patch }));
  };

  // The same schema the core enforces. regions[0] is the default region, whose error shows
  // next to that field.
  const keysAgain = needsKeysAgain(connection, draft);
  // The secret fields are checked for presence only here (their values stay in the inputs), so
  // stand-ins of a valid length take their place until Save reads them.
  const check = updateConnectionInputSchema.safeParse(
    buildUpdateInput(connection, draft, {
      accessKeyId,
      secretAccessKey: secretFilled ? 'x'.repeat(40) : '',
      sessionToken: tokenFilled ? 'x'.repeat(40) : '',
    }),
  );
  const errors = issuesByField(check.error, (path) => path[0] === 'regions' && path[1] === 0);
  const show = (key: string): string | undefined => (attempted ? errors.get(key) : undefined);

  const onSubmit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setAttempted(true);
    if (!check.success) return;
    const input = updateConnectionInputSchema.safeParse(
      buildUpdateInput(connection, draft, {
        accessKeyId,
        secretAccessKey: secretRef.current?.value.trim() ?? '',
        sessionToken: tokenRef.current?.value.trim() ?? '',
      }),
    );
    if (!input.success) return;
    update.mutate(input.data, { onSuccess: (saved) => onClose(saved.name) });
  };

  const signsIn = signsInField(connection, now);

  return (
    <section
      className="panel"
      id={editFormId(connection.id)}
      aria-label={`Edit ${connection.name}`}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onClose();
        }
      }}
    >
      <h3>Edit “{connection.name}”</h3>
      <form className="conn-form" onSubmit={onSubmit} noValidate>
        <Field label="Name" error={show('name')}>
          {(control) => (
            <input
              {...control}
              ref={nameRef}
              value={draft.name}
              onChange={(e) => set({ name: e.target.value })}
            />
          )}
        </Field>
        <Field label={signsIn.label} help={signsIn.help}>
          {(control) => <input {...control} className="mono" readOnly value={signsIn.value} />}
        </Field>
        <TargetSettingsFields
          draft={draft}
          set={set}
          show={show}
          roleHelp={connection.role ? 'Empty it to stop assuming a role.' : undefined}
          externalIdHelp={
            connection.role?.hasExternalId === true
              ? 'One is set and never shown. Left empty, it is kept while the role settings stay the same; if you change them, type it again or it is removed.'
              : undefined
          }
        />
        {keysAgain && (
          <ReenterKeysFields
            inputs={{
              accessKeyId,
              setAccessKeyId,
              secret: { ref: secretRef, onFilled: setSecretFilled },
              token: { ref: tokenRef, onFilled: setTokenFilled },
            }}
            show={show}
            hasSessionToken={connection.hasSessionToken === true}
          />
        )}
        <div className="conn-actions">
          <button type="submit" className="primary" disabled={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save changes'}
          </button>
          <button type="button" onClick={() => onClose()}>
            Cancel
          </button>
        </div>
        {update.isError && <ErrorPanel title="The changes were not saved." error={update.error} />}
      </form>
    </section>
  );
}
