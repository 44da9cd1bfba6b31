import { useId, useState } from 'react';
import type { Settings } from '../../../../shared/contract';
import { useAppInfo, useSettings, useUpdateSettings } from '../../api/queries';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Facts } from '../../components/Facts';
import { Loading } from '../../components/Loading';
import { Screen } from '../../components/Screen';

type Theme = Settings['theme'];

const themeChoices: readonly { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

function ThemeSetting() {
  const settings = useSettings();
  const update = useUpdateSettings();
  const helpId = useId();
  // Held locally so the radio shows the choice in the same render as the click (a controlled
  // input would otherwise snap back until the async mutation updates the cache).
  const [chosen, setChosen] = useState<Theme | null>(null);

  if (settings.isPending) return <Loading label="Loading settings…" />;
  if (settings.isError) {
    return (
      <ErrorPanel
        title="Could not read the settings."
        error={settings.error}
        onRetry={() => void settings.refetch()}
      />
    );
  }

  const status = update.isPending ? 'Saving…' : update.isSuccess ? 'Saved.' : '';
  return (
    <section className="panel" aria-labelledby="appearance-heading">
      <h2 id="appearance-heading">Appearance</h2>
      <fieldset aria-describedby={helpId}>
        <legend>Theme</legend>
        <p id={helpId} className="field-help">
          System follows your operating system’s light or dark mode.
        </p>
        <div className="choice-row">
          {themeChoices.map((choice) => (
            <label key={choice.value} className="choice">
              <input
                type="radio"
                name="theme"
                value={choice.value}
                checked={(chosen ?? settings.data.theme) === choice.value}
                onChange={() => {
                  setChosen(choice.value);
                  update.mutate({ theme: choice.value }, { onSettled: () => setChosen(null) });
                }}
              />
              {choice.label}
            </label>
          ))}
        </div>
      </fieldset>
      <p className="save-status" role="status">
        {status}
      </p>
      {update.isError && <ErrorPanel title="The theme was not saved." error={update.error} />}
    </section>
  );
}

function About() {
  const appInfo = useAppInfo();
  if (appInfo.isPending) return <Loading />;
  if (appInfo.isError) {
    return (
      <ErrorPanel
        title="Could not read the app information."
        error={appInfo.error}
        onRetry={() => void appInfo.refetch()}
      />
    );
  }
  return (
    <section className="panel" aria-labelledby="about-heading">
      <h2 id="about-heading">About</h2>
      <Facts
        facts={[
          { label: 'Version', value: `${appInfo.data.name} ${appInfo.data.version}` },
          { label: 'Data folder', value: appInfo.data.dataFolder, mono: true },
          { label: 'Platform', value: appInfo.data.platform, mono: true },
        ]}
      />
    </section>
  );
}

export function SettingsScreen() {
  return (
    <Screen title="Settings" purpose="How Meterdesk looks and where it keeps its data.">
      <ThemeSetting />
      <About />
    </Screen>
  );
}
