// The add form's state: the draft (never a secret), the two secret inputs (uncontrolled: their
// values stay in the DOM and go to the core only in the one call that adds the connection), the
// same validation the core runs, and the submit.
import { useRef, useState } from 'react';
import {
  addConnectionInputSchema,
  type AddConnectionInput,
} from '../../../../shared/channels/connections';
import { useAddConnection, useConnections } from '../../api/connections';
import { buildAddInput, emptyAddDraft, issuesByField, type AddDraft } from './connection-drafts';

export function useAddConnectionForm() {
  const connections = useConnections();
  const adder = useAddConnection();
  const [draft, setDraft] = useState<AddDraft>(emptyAddDraft);
  const [attempted, setAttempted] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const tokenRef = useRef<HTMLInputElement>(null);
  const [secretFilled, setSecretFilled] = useState(false);
  const [tokenFilled, setTokenFilled] = useState(false);
  const secretStorage = connections.data?.secretStorage;

  const set = (patch: Partial<AddDraft>): void => {
    setDraft((current) => ({ ...current, ...patch }));
    setAdded(null);
  };

  // The secret fields are checked for presence only (their values stay in the inputs), so
  // stand-ins of a valid length take their place here.
  const check = addConnectionInputSchema.safeParse(
    buildAddInput(
      draft,
      'session',
      secretFilled ? 'x'.repeat(40) : '',
      tokenFilled ? 'x'.repeat(40) : '',
    ),
  );
  const errors = issuesByField(check.error);
  const show = (key: string): string | undefined => (attempted ? errors.get(key) : undefined);

  const clearSecrets = (): void => {
    if (secretRef.current) secretRef.current.value = '';
    if (tokenRef.current) tokenRef.current.value = '';
    setSecretFilled(false);
    setTokenFilled(false);
  };

  const submit = async (storage: 'encrypted' | 'session'): Promise<void> => {
    setAttempted(true);
    const parsed = addConnectionInputSchema.safeParse(
      buildAddInput(
        draft,
        storage,
        secretRef.current?.value.trim() ?? '',
        tokenRef.current?.value.trim() ?? '',
      ),
    );
    if (!parsed.success) return;
    const input: AddConnectionInput = parsed.data;
    const result = await adder.add(input);
    if (!result) return;
    clearSecrets();
    setDraft(emptyAddDraft);
    setAttempted(false);
    setAdded(result.name);
  };

  return {
    draft,
    set,
    show,
    submit,
    adder,
    added,
    secretStorage,
    canSave: secretStorage?.available === true,
    secretInput: {
      ref: secretRef,
      onFilled: (filled: boolean) => {
        setSecretFilled(filled);
        setAdded(null);
      },
    },
    tokenInput: { ref: tokenRef, onFilled: setTokenFilled },
  };
}

export type AddConnectionFormState = ReturnType<typeof useAddConnectionForm>;
