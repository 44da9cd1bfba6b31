// Adds a connection: a name, how it signs in, and its region, role and endpoint. The renderer
// never keeps a secret: pasted keys go to the core in the one call that adds them and are
// cleared from the form at once.
import type { SyntheticEvent } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { SignInFields } from './SignInFields';
import { TargetSettingsFields } from './TargetSettingsFields';
import { useAddConnectionForm, type AddConnectionFormState } from './useAddConnectionForm';

function SubmitButtons({ form }: { form: AddConnectionFormState }) {
  const { draft, canSave, adder, submit } = form;
  const keys = draft.sourceKind === 'keys';
  return (
    <div className="conn-actions">
      <button type="submit" className="primary" disabled={adder.isPending}>
        {keys ? (canSave ? 'Save encrypted' : 'Use for this run only') : 'Add connection'}
      </button>
      {keys && canSave && (
        <button type="button" disabled={adder.isPending} onClick={() => void submit('session')}>
          Use for this run only
        </button>
      )}
    </div>
  );
}

export function AddConnectionForm() {
  const form = useAddConnectionForm();
  const { draft, set, show, submit, adder, added, canSave } = form;

  const onSubmit = (event: SyntheticEvent): void => {
    event.preventDefault();
    void submit(draft.sourceKind === 'keys' && canSave ? 'encrypted' : 'session');
  };

  return (
    <section className="panel" aria-labelledby="add-connection-heading">
      <h2 id="add-connection-heading">Add a connection</h2>
      <form className="conn-form" onSubmit={onSubmit} noValidate>
        <Field label="Name" error={show('name')}>
          {(control) => (
            <input
              {...control}
              value={draft.name}
              onChange={(e) => set({ name: e.target.value })}
            />
          )}
        </Field>
        <SignInFields form={form} />
        <TargetSettingsFields draft={draft} set={set} show={show} />
        <SubmitButtons form={form} />
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
