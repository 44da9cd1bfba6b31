// Connections: the built-in Sandbox, AWS profiles and pasted keys; which one every screen acts
// on; and a permission self-test per connection. The renderer never sees a secret: pasted keys go
// to the core in the one call that adds them and are cleared from the form at once.
import { useEffect, useId, useRef, useState, type SyntheticEvent } from 'react';
import {
  addConnectionInputSchema,
  updateConnectionInputSchema,
  type AddConnectionInput,
  type ConnectionInfo,
  type ProfileInfo,
  type SelfTestResult,
} from '../../../../shared/channels/connections';
import {
  useActivateConnection,
  useAddConnection,
  useConnections,
  useProfiles,
  useRemoveConnection,
  useSelfTest,
  useUpdateConnection,
} from '../../api/connections';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Facts } from '../../components/Facts';
import { Loading } from '../../components/Loading';
import { Screen } from '../../components/Screen';
import './connections.css';

const profileKindLabels: Record<ProfileInfo['kind'], string> = {
  static: 'static keys',
  sso: 'SSO',
  'assume-role': 'assume role',
  'credential-process': 'credential process',
  'login-session': 'console login (aws login)',
  'web-identity': 'web identity',
  unknown: 'unusable',
};

function formatExpiry(expiresAt: number, now: number): string {
  const minutes = Math.round((expiresAt - now) / 60_000);
  const when = new Date(expiresAt).toISOString().replace('.000Z', 'Z').replace('T', ' ');
  if (minutes <= 0) return `expired ${when} UTC`;
  if (minutes < 120) return `expires ${when} UTC (in ${minutes} min)`;
  return `expires ${when} UTC (in ${Math.round(minutes / 60)} h)`;
}

function credentialsLabel(connection: ConnectionInfo, now: number): string {
  if (connection.isSandbox) return 'Built-in sandbox key';
  const parts: string[] = [];
  if (connection.kind === 'profile') {
    parts.push(
      `Profile ${connection.profile ?? ''}${connection.profileKind ? ` (${profileKindLabels[connection.profileKind]})` : ''}`,
    );
  } else {
    parts.push(
      `Access key …${connection.keyIdLast4 ?? ''}${connection.hasSessionToken ? ' with session token' : ''}`,
    );
    parts.push(connection.storage === 'encrypted' ? 'saved encrypted' : 'this run only');
  }
  if (connection.role) parts.push(`then assumes ${connection.role.roleArn}`);
  if (connection.expiresAt !== undefined) parts.push(formatExpiry(connection.expiresAt, now));
  return parts.join('; ');
}

function SelfTestGrid({ result, onRetry }: { result: SelfTestResult; onRetry: () => void }) {
  const regions = result.regions.map((r) => r.region);
  const apis = result.regions[0]?.cells.map((c) => ({ api: c.api, action: c.action })) ?? [];
  return (
    <div className="self-test">
      {result.identity ? (
        <Facts
          facts={[
            { label: 'Account', value: result.identity.account, mono: true },
            { label: 'Signed in as', value: result.identity.arn, mono: true },
          ]}
        />
      ) : (
        result.identityError && (
          <ErrorPanel
            title="Could not sign in with this connection."
            error={{
              code: result.identityError.code,
              message: result.identityError.message,
              hint: result.identityError.hint,
            }}
            onRetry={onRetry}
          />
        )
      )}
      {regions.length > 0 && (
        <table className="conn-table" aria-label="Permissions by region">
          <thead>
            <tr>
              <th scope="col">API (IAM action)</th>
              {regions.map((region) => (
                <th key={region} scope="col" className="mono">
                  {region}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {apis.map(({ api, action }) => (
              <tr key={api}>
                <th scope="row">
                  {api} <span className="mono">({action})</span>
                </th>
                {result.regions.map(({ region, cells }) => {
                  const cell = cells.find((c) => c.api === api);
                  if (!cell) return <td key={region}>—</td>;
                  const label =
                    cell.status === 'allowed'
                      ? 'Allowed'
                      : cell.status === 'denied'
                        ? 'Denied'
                        : 'Could not tell';
                  return (
                    <td key={region} className={`grid-${cell.status}`} title={cell.probe}>
                      <span className={`grid-cell-${cell.status}`}>{label}</span>
                      {cell.reason !== undefined && <p className="grid-reason">{cell.reason}</p>}
                      {cell.status !== 'allowed' && cell.hint !== undefined && (
                        <p className="grid-reason">{cell.hint}</p>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="field-help">
        Probes that cannot bill: ResolveCustomer with an invalid token, BatchMeterUsage with no
        records, MeterUsage as a dry run, LookupEvents for one event.
      </p>
    </div>
  );
}

function ConnectionRow({
  connection,
  isActive,
  isEditing,
  onTested,
  onEdit,
}: {
  connection: ConnectionInfo;
  isActive: boolean;
  isEditing: boolean;
  onTested: (result: SelfTestResult | null, id: string) => void;
  onEdit: (id: string) => void;
}) {
  const activate = useActivateConnection();
  const remove = useRemoveConnection();
  const test = useSelfTest();
  const [now] = useState(() => Date.now());
  const runTest = (): void => {
    onTested(null, connection.id);
    test.mutate({ id: connection.id }, { onSuccess: (result) => onTested(result, connection.id) });
  };
  return (
    <tr aria-current={isActive ? 'true' : undefined}>
      <th scope="row">
        {connection.name}
        {isActive && <span className="badge"> active</span>}
        {connection.problem !== undefined && <p className="field-error">{connection.problem}</p>}
      </th>
      <td>{credentialsLabel(connection, now)}</td>
      <td className="mono">{connection.accountId ?? 'not known yet'}</td>
      <td className="mono">{connection.regions.join(', ')}</td>
      <td className="mono">{connection.endpoint ?? 'AWS'}</td>
      <td>
        <div className="conn-actions">
          <button
            type="button"
            disabled={isActive || activate.isPending}
            onClick={() => activate.mutate({ id: connection.id })}
            aria-label={`Use ${connection.name}`}
          >
            Use
          </button>
          <button
            type="button"
            disabled={test.isPending}
            onClick={runTest}
            aria-label={`Test ${connection.name}`}
          >
            {test.isPending ? 'Testing…' : 'Test'}
          </button>
          {!connection.isSandbox && (
            <button
              type="button"
              id={editButtonId(connection.id)}
              aria-expanded={isEditing}
              aria-controls={isEditing ? editFormId(connection.id) : undefined}
              onClick={() => onEdit(connection.id)}
              aria-label={`Edit ${connection.name}`}
            >
              Edit
            </button>
          )}
          {!connection.isSandbox && (
            <button
              type="button"
              disabled={remove.isPending}
              onClick={() => remove.mutate({ id: connection.id })}
              aria-label={`Remove ${connection.name}`}
            >
              Remove
            </button>
          )}
        </div>
        {test.isError && (
          <ErrorPanel title="The self-test could not run." error={test.error} onRetry={runTest} />
        )}
        {activate.isError && <ErrorPanel error={activate.error} />}
        {remove.isError && <ErrorPanel error={remove.error} />}
      </td>
    </tr>
  );
}

function ConnectionsTable() {
  const connections = useConnections();
  const [tested, setTested] = useState<{ id: string; result: SelfTestResult | null } | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const closeEditor = (id: string, savedName?: string): void => {
    setEditingId(null);
    setSaved(savedName ?? null);
    // Back to the button that opened the form, so keyboard users keep their place.
    requestAnimationFrame(() => document.getElementById(editButtonId(id))?.focus());
  };
  if (connections.isPending) return <Loading label="Loading connections…" />;
  if (connections.isError) {
    return (
      <ErrorPanel
        title="Could not read the connections."
        error={connections.error}
        onRetry={() => void connections.refetch()}
      />
    );
  }
  const { connections: all, activeId } = connections.data;
  const testedConnection = all.find((c) => c.id === tested?.id);
  const editing = all.find((c) => c.id === editingId && !c.isSandbox);
  return (
    <section className="panel" aria-labelledby="connections-heading">
      <h2 id="connections-heading">Connections</h2>
      <table className="conn-table" aria-label="Connections">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Signs in with</th>
            <th scope="col">Account</th>
            <th scope="col">Regions</th>
            <th scope="col">Endpoint</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {all.map((connection) => (
            <ConnectionRow
              key={connection.id}
              connection={connection}
              isActive={connection.id === activeId}
              isEditing={connection.id === editing?.id}
              onTested={(result, id) => setTested({ id, result })}
              onEdit={(id) => {
                setSaved(null);
                setEditingId((current) => (current === id ? null : id));
              }}
            />
          ))}
        </tbody>
      </table>
      {editing && (
        <EditConnectionForm
          key={editing.id}
          connection={editing}
          onClose={(savedName) => closeEditor(editing.id, savedName)}
        />
      )}
      <p className="save-status" role="status">
        {saved !== null ? `Saved “${saved}”.` : ''}
      </p>
      {tested && testedConnection && (
        <section className="panel" aria-label={`Self-test of ${testedConnection.name}`}>
          <h3>Self-test: {testedConnection.name}</h3>
          {tested.result ? (
            <SelfTestGrid
              result={tested.result}
              onRetry={() => setTested({ id: tested.id, result: null })}
            />
          ) : (
            <Loading label="Testing…" />
          )}
        </section>
      )}
    </section>
  );
}

/** The settings every connection has beyond how it signs in: regions, a role on top, endpoint. */
type TargetSettingsDraft = {
  region: string;
  regions: string;
  roleArn: string;
  externalId: string;
  sessionName: string;
  durationSeconds: string;
  endpoint: string;
};

/** The region, role and endpoint fields, the same in the add and the edit form. */
function TargetSettingsFields({
  draft,
  set,
  show,
  roleHelp,
  externalIdHelp,
}: {
  draft: TargetSettingsDraft;
  set: (patch: Partial<TargetSettingsDraft>) => void;
  show: (key: string) => string | undefined;
  roleHelp?: string | undefined;
  externalIdHelp?: string | undefined;
}) {
  return (
    <>
      <Field label="Default region" error={show('region')}>
        {({ id, describedBy }) => (
          <input
            id={id}
            aria-describedby={describedBy}
            className="mono"
            value={draft.region}
            onChange={(e) => set({ region: e.target.value })}
          />
        )}
      </Field>
      <Field
        label="Other regions to work across (optional)"
        error={show('regions')}
        help="Separated by commas, e.g. us-west-2, eu-west-1."
      >
        {({ id, describedBy }) => (
          <input
            id={id}
            aria-describedby={describedBy}
            className="mono"
            value={draft.regions}
            onChange={(e) => set({ regions: e.target.value })}
          />
        )}
      </Field>
      <Field label="Role to assume on top (optional)" error={show('role.roleArn')} help={roleHelp}>
        {({ id, describedBy }) => (
          <input
            id={id}
            aria-describedby={describedBy}
            className="mono"
            placeholder="arn:aws:iam::111122223333:role/MeterdeskOperator"
            value={draft.roleArn}
            onChange={(e) => set({ roleArn: e.target.value })}
          />
        )}
      </Field>
      {draft.roleArn.trim() !== '' && (
        <>
          <Field
            label="External id (optional)"
            error={show('role.externalId')}
            help={externalIdHelp}
          >
            {({ id, describedBy }) => (
              <input
                id={id}
                aria-describedby={describedBy}
                autoComplete="off"
                value={draft.externalId}
                onChange={(e) => set({ externalId: e.target.value })}
              />
            )}
          </Field>
          <Field label="Session name (optional)" error={show('role.sessionName')}>
            {({ id, describedBy }) => (
              <input
                id={id}
                aria-describedby={describedBy}
                value={draft.sessionName}
                onChange={(e) => set({ sessionName: e.target.value })}
              />
            )}
          </Field>
          <Field
            label="Session duration in seconds (optional)"
            error={show('role.durationSeconds')}
            help="900 to 43200; the role's own maximum applies."
          >
            {({ id, describedBy }) => (
              <input
                id={id}
                aria-describedby={describedBy}
                inputMode="numeric"
                value={draft.durationSeconds}
                onChange={(e) => set({ durationSeconds: e.target.value })}
              />
            )}
          </Field>
        </>
      )}
      <Field
        label="Custom endpoint (optional)"
        error={show('endpoint')}
        help="For LocalStack and the like; used for every service, STS included."
      >
        {({ id, describedBy }) => (
          <input
            id={id}
            aria-describedby={describedBy}
            className="mono"
            placeholder="http://localhost:4566"
            value={draft.endpoint}
            onChange={(e) => set({ endpoint: e.target.value })}
          />
        )}
      </Field>
    </>
  );
}

type Draft = TargetSettingsDraft & {
  name: string;
  sourceKind: 'profile' | 'keys';
  profile: string;
  accessKeyId: string;
  expiresAt: string;
};

const emptyDraft: Draft = {
  name: '',
  sourceKind: 'profile',
  profile: '',
  accessKeyId: '',
  expiresAt: '',
  region: 'us-east-1',
  regions: '',
  roleArn: '',
  externalId: '',
  sessionName: '',
  durationSeconds: '',
  endpoint: '',
};

function Field({
  label,
  error,
  help,
  children,
}: {
  label: string;
  error?: string | undefined;
  help?: string;
  children: (props: { id: string; describedBy: string | undefined }) => React.ReactNode;
}) {
  const id = useId();
  const errorId = useId();
  const helpId = useId();
  const describedBy =
    [error !== undefined ? errorId : null, help !== undefined ? helpId : null]
      .filter((x) => x !== null)
      .join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy })}
      {help !== undefined && (
        <p id={helpId} className="field-help">
          {help}
        </p>
      )}
      {error !== undefined && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

function AddConnectionForm() {
  const connections = useConnections();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const profiles = useProfiles(draft.sourceKind === 'profile');
  const adder = useAddConnection();
  const [attempted, setAttempted] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  // Secrets live in uncontrolled inputs: never in React state, never in a value attribute.
  const secretRef = useRef<HTMLInputElement>(null);
  const tokenRef = useRef<HTMLInputElement>(null);
  const [secretFilled, setSecretFilled] = useState(false);
  const [tokenFilled, setTokenFilled] = useState(false);

  const set = (patch: Partial<Draft>): void => {
    setDraft((current) => ({ ...current, ...patch }));
    setAdded(null);
  };

  const secretStorage = connections.data?.secretStorage;

  const build = (storage: 'encrypted' | 'session', secret: string, token: string): unknown => {
    const regions = draft.regions
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter((r) => r !== '');
    const role =
      draft.roleArn.trim() === ''
        ? undefined
        : {
            roleArn: draft.roleArn.trim(),
            ...(draft.externalId.trim() === '' ? {} : { externalId: draft.externalId.trim() }),
            ...(draft.sessionName.trim() === '' ? {} : { sessionName: draft.sessionName.trim() }),
            ...(draft.durationSeconds.trim() === ''
              ? {}
              : { durationSeconds: Number(draft.durationSeconds) }),
          };
    const source =
      draft.sourceKind === 'profile'
        ? { kind: 'profile', profile: draft.profile }
        : {
            kind: 'keys',
            accessKeyId: draft.accessKeyId.trim(),
            secretAccessKey: secret,
            ...(token === '' ? {} : { sessionToken: token }),
            ...(draft.expiresAt === '' ? {} : { expiresAt: Date.parse(`${draft.expiresAt}Z`) }),
            storage,
          };
    return {
      name: draft.name,
      source,
      region: draft.region.trim(),
      ...(regions.length === 0 ? {} : { regions }),
      ...(role === undefined ? {} : { role }),
      ...(draft.endpoint.trim() === '' ? {} : { endpoint: draft.endpoint.trim() }),
    };
  };

  // The same schema the core enforces; the secret fields are checked for presence only (their
  // values stay in the inputs), so stand-ins of a valid length take their place here.
  const check = addConnectionInputSchema.safeParse(
    build('session', secretFilled ? 'x'.repeat(40) : '', tokenFilled ? 'x'.repeat(40) : ''),
  );
  const errors = new Map<string, string>();
  if (!check.success) {
    for (const issue of check.error.issues) {
      const key = issue.path.filter((p) => typeof p === 'string').join('.');
      if (!errors.has(key)) errors.set(key, issue.message);
    }
  }
  const show = (key: string): string | undefined => (attempted ? errors.get(key) : undefined);

  const submit = async (storage: 'encrypted' | 'session'): Promise<void> => {
    setAttempted(true);
    const parsed = addConnectionInputSchema.safeParse(
      build(storage, secretRef.current?.value.trim() ?? '', tokenRef.current?.value.trim() ?? ''),
    );
    if (!parsed.success) return;
    const input: AddConnectionInput = parsed.data;
    const result = await adder.add(input);
    if (result) {
      if (secretRef.current) secretRef.current.value = '';
      if (tokenRef.current) tokenRef.current.value = '';
      setSecretFilled(false);
      setTokenFilled(false);
      setDraft(emptyDraft);
      setAttempted(false);
      setAdded(result.name);
    }
  };

  const onSubmit = (event: SyntheticEvent): void => {
    event.preventDefault();
    void submit(
      draft.sourceKind === 'keys' && secretStorage?.available === true ? 'encrypted' : 'session',
    );
  };

  const canSave = secretStorage?.available === true;
  const usableProfiles = profiles.data?.profiles ?? [];

  return (
    <section className="panel" aria-labelledby="add-connection-heading">
      <h2 id="add-connection-heading">Add a connection</h2>
      <form className="conn-form" onSubmit={onSubmit} noValidate>
        <Field label="Name" error={show('name')}>
          {({ id, describedBy }) => (
            <input
              id={id}
              aria-describedby={describedBy}
              value={draft.name}
              onChange={(e) => set({ name: e.target.value })}
            />
          )}
        </Field>
        <fieldset>
          <legend>Sign in with</legend>
          <div className="choice-row">
            <label className="choice">
              <input
                type="radio"
                name="source-kind"
                checked={draft.sourceKind === 'profile'}
                onChange={() => set({ sourceKind: 'profile' })}
              />
              AWS profile
            </label>
            <label className="choice">
              <input
                type="radio"
                name="source-kind"
                checked={draft.sourceKind === 'keys'}
                onChange={() => set({ sourceKind: 'keys' })}
              />
              Access keys
            </label>
          </div>
        </fieldset>
        {draft.sourceKind === 'profile' ? (
          <Field
            label="Profile"
            error={show('source.profile')}
            help={
              profiles.data
                ? `From ${profiles.data.configFile} and ${profiles.data.credentialsFile}; re-read when they change.`
                : undefined
            }
          >
            {({ id, describedBy }) => (
              <select
                id={id}
                aria-describedby={describedBy}
                value={draft.profile}
                onChange={(e) => {
                  const chosen = usableProfiles.find((p) => p.name === e.target.value);
                  set({
                    profile: e.target.value,
                    ...(draft.name === '' ? { name: e.target.value } : {}),
                    ...(chosen?.region !== undefined ? { region: chosen.region } : {}),
                  });
                }}
              >
                <option value="">Choose a profile…</option>
                {usableProfiles.map((p) => (
                  <option key={p.name} value={p.name} disabled={p.kind === 'unknown'}>
                    {p.name} — {profileKindLabels[p.kind]}
                    {p.problem !== undefined ? ` (${p.problem})` : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : (
          <>
            <Field label="Access key id" error={show('source.accessKeyId')}>
              {({ id, describedBy }) => (
                <input
                  id={id}
                  aria-describedby={describedBy}
                  className="mono"
                  autoComplete="off"
                  spellCheck={false}
                  value={draft.accessKeyId}
                  onChange={(e) => set({ accessKeyId: e.target.value })}
                />
              )}
            </Field>
            <Field label="Secret access key" error={show('source.secretAccessKey')}>
              {({ id, describedBy }) => (
                <input
                  id={id}
                  ref={secretRef}
                  aria-describedby={describedBy}
                  type="password"
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(e) => {
                    setSecretFilled(e.target.value.trim() !== '');
                    setAdded(null);
                  }}
                />
              )}
            </Field>
            <Field
              label="Session token (optional)"
              error={show('source.sessionToken')}
              help="Only for temporary keys (those starting with ASIA)."
            >
              {({ id, describedBy }) => (
                <input
                  id={id}
                  ref={tokenRef}
                  aria-describedby={describedBy}
                  type="password"
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(e) => setTokenFilled(e.target.value.trim() !== '')}
                />
              )}
            </Field>
            <Field
              label="Expires at, UTC (optional)"
              help="When temporary keys stop working; Meterdesk then stops before sending."
            >
              {({ id, describedBy }) => (
                <input
                  id={id}
                  aria-describedby={describedBy}
                  type="datetime-local"
                  value={draft.expiresAt}
                  onChange={(e) => set({ expiresAt: e.target.value })}
                />
              )}
            </Field>
            {secretStorage && !secretStorage.available && (
              <p className="notice" role="note">
                Keys cannot be saved here: {secretStorage.reason} You can still use them for this
                run only: they stay in memory and are forgotten when Meterdesk quits.
              </p>
            )}
          </>
        )}
        <TargetSettingsFields draft={draft} set={set} show={show} />
        <div className="conn-actions">
          {draft.sourceKind === 'keys' && !canSave ? (
            <button type="submit" className="primary" disabled={adder.isPending}>
              Use for this run only
            </button>
          ) : (
            <button type="submit" className="primary" disabled={adder.isPending}>
              {draft.sourceKind === 'keys' ? 'Save encrypted' : 'Add connection'}
            </button>
          )}
          {draft.sourceKind === 'keys' && canSave && (
            <button type="button" disabled={adder.isPending} onClick={() => void submit('session')}>
              Use for this run only
            </button>
          )}
        </div>
        {adder.error && <ErrorPanel title="The connection was not added." error={adder.error} />}
        {adder.error?.code === 'ENCRYPTION_UNAVAILABLE' && (
          <button type="button" onClick={() => void submit('session')}>
            Use for this run only
          </button>
        )}
        <p className="save-status" role="status">
          {added !== null ? `Added “${added}”.` : ''}
        </p>
      </form>
    </section>
  );
}

type EditDraft = TargetSettingsDraft & { name: string };

function editButtonId(connectionId: string): string {
  return `edit-connection-button-${connectionId}`;
}

function editFormId(connectionId: string): string {
  return `edit-connection-${connectionId}`;
}

/** The connection's non-secret settings as the form shows them. */
function editDraftOf(connection: ConnectionInfo): EditDraft {
  return {
    name: connection.name,
    region: connection.region,
    regions: connection.regions.filter((r) => r !== connection.region).join(', '),
    roleArn: connection.role?.roleArn ?? '',
    // Never echoed back by the core: only whether one is set.
    externalId: '',
    sessionName: connection.role?.sessionName ?? '',
    durationSeconds:
      connection.role?.durationSeconds !== undefined ? String(connection.role.durationSeconds) : '',
    endpoint: connection.endpoint ?? '',
  };
}

/**
 * Edits a connection's non-secret settings through connections:update. How it signs in (the
 * profile, or the pasted keys) is not part of that channel: it is shown, never sent back.
 */
function EditConnectionForm({
  connection,
  onClose,
}: {
  connection: ConnectionInfo;
  onClose: (savedName?: string) => void;
}) {
  const initial = editDraftOf(connection);
  const [draft, setDraft] = useState<EditDraft>(initial);
  const [attempted, setAttempted] = useState(false);
  const update = useUpdateConnection();
  const nameRef = useRef<HTMLInputElement>(null);
  const [now] = useState(() => Date.now());

  useEffect(() => {
    nameRef.current?.focus();
  }, []);

  const set = (patch: Partial<EditDraft>): void => {
    setDraft((current) => ({ ...current, ...patch }));
  };

  const build = (): unknown => {
    const region = draft.region.trim();
    const others = draft.regions
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter((r) => r !== '');
    const roleArn = draft.roleArn.trim();
    const roleUnchanged =
      connection.role !== undefined &&
      roleArn === initial.roleArn &&
      draft.sessionName.trim() === initial.sessionName &&
      draft.durationSeconds.trim() === initial.durationSeconds &&
      draft.externalId.trim() === '';
    const role =
      roleArn === ''
        ? connection.role
          ? null
          : undefined
        : roleUnchanged
          ? undefined
          : {
              roleArn,
              ...(draft.externalId.trim() === '' ? {} : { externalId: draft.externalId.trim() }),
              ...(draft.sessionName.trim() === '' ? {} : { sessionName: draft.sessionName.trim() }),
              ...(draft.durationSeconds.trim() === ''
                ? {}
                : { durationSeconds: Number(draft.durationSeconds) }),
            };
    const endpoint = draft.endpoint.trim();
    const endpointChange =
      endpoint === ''
        ? connection.endpoint !== undefined
          ? null
          : undefined
        : endpoint === connection.endpoint
          ? undefined
          : endpoint;
    return {
      id: connection.id,
      name: draft.name,
      region,
      // Always the whole list, default first: leaving "other regions" empty removes them.
      regions: [region, ...others],
      ...(role === undefined ? {} : { role }),
      ...(endpointChange === undefined ? {} : { endpoint: endpointChange }),
    };
  };

  // The same schema the core enforces.
  const check = updateConnectionInputSchema.safeParse(build());
  const errors = new Map<string, string>();
  if (!check.success) {
    for (const issue of check.error.issues) {
      // regions[0] is the default region, whose error shows next to that field.
      if (issue.path[0] === 'regions' && issue.path[1] === 0) continue;
      const key = issue.path.filter((p) => typeof p === 'string').join('.');
      if (!errors.has(key)) errors.set(key, issue.message);
    }
  }
  const show = (key: string): string | undefined => (attempted ? errors.get(key) : undefined);

  const onSubmit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setAttempted(true);
    if (!check.success) return;
    update.mutate(check.data, { onSuccess: (saved) => onClose(saved.name) });
  };

  const signsIn =
    connection.kind === 'profile'
      ? { label: 'Profile', value: connection.profile ?? '' }
      : { label: 'Access key', value: credentialsLabel(connection, now) };

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
          {({ id, describedBy }) => (
            <input
              id={id}
              ref={nameRef}
              aria-describedby={describedBy}
              value={draft.name}
              onChange={(e) => set({ name: e.target.value })}
            />
          )}
        </Field>
        <Field
          label={signsIn.label}
          help={
            connection.kind === 'keys'
              ? 'The stored keys stay as they are; they are never shown. To use other keys, add a new connection.'
              : 'To sign in with another profile, add a new connection.'
          }
        >
          {({ id, describedBy }) => (
            <input
              id={id}
              aria-describedby={describedBy}
              className="mono"
              readOnly
              value={signsIn.value}
            />
          )}
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

export function ConnectionsScreen() {
  return (
    <Screen
      title="Connections"
      purpose="Choose which AWS account and region every screen acts on, and how Meterdesk signs in to it."
    >
      <ConnectionsTable />
      <AddConnectionForm />
    </Screen>
  );
}
