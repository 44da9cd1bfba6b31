// The region, role and endpoint fields, the same in the add and the edit form.
import { Field } from '../../components/Field';
import type { TargetSettingsDraft } from './connection-drafts';

type TargetSettingsFieldsProps = {
  draft: TargetSettingsDraft;
  set: (patch: Partial<TargetSettingsDraft>) => void;
  /** The error to show next to a field, by its input path ("region", "role.roleArn"…). */
  show: (key: string) => string | undefined;
  roleHelp?: string | undefined;
  externalIdHelp?: string | undefined;
};

function RoleDetailFields({
  draft,
  set,
  show,
  externalIdHelp,
}: Omit<TargetSettingsFieldsProps, 'roleHelp'>) {
  return (
    <>
      <Field label="External id (optional)" error={show('role.externalId')} help={externalIdHelp}>
        {(control) => (
          <input
            {...control}
            autoComplete="off"
            value={draft.externalId}
            onChange={(e) => set({ externalId: e.target.value })}
          />
        )}
      </Field>
      <Field label="Session name (optional)" error={show('role.sessionName')}>
        {(control) => (
          <input
            {...control}
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
        {(control) => (
          <input
            {...control}
            inputMode="numeric"
            value={draft.durationSeconds}
            onChange={(e) => set({ durationSeconds: e.target.value })}
          />
        )}
      </Field>
    </>
  );
}

export function TargetSettingsFields(props: TargetSettingsFieldsProps) {
  const { draft, set, show, roleHelp } = props;
  return (
    <>
      <Field label="Default region" error={show('region')}>
        {(control) => (
          <input
            {...control}
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
        {(control) => (
          <input
            {...control}
            className="mono"
            value={draft.regions}
            onChange={(e) => set({ regions: e.target.value })}
          />
        )}
      </Field>
      <Field label="Role to assume on top (optional)" error={show('role.roleArn')} help={roleHelp}>
        {(control) => (
          <input
            {...control}
            className="mono"
            placeholder="arn:aws:iam::111122223333:role/MeterdeskOperator"
            value={draft.roleArn}
            onChange={(e) => set({ roleArn: e.target.value })}
          />
        )}
      </Field>
      {draft.roleArn.trim() !== '' && <RoleDetailFields {...props} />}
      <Field
        label="Custom endpoint (optional)"
        error={show('endpoint')}
        help="For LocalStack and the like; used for every service, STS included."
      >
        {(control) => (
          <input
            {...control}
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
