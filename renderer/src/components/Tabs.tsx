// The one tab strip of the app, after the WAI-ARIA tabs pattern: a labelled tablist, one Tab
// stop (the selected tab; arrows, Home and End move between tabs and select them), and a
// tabpanel named by its tab. Only the selected panel is rendered.
//
//   <Tabs label="Audit views" tabs={[{ id: 'records', label: 'Records' }, …]}
//         selected={tab} onSelect={setTab}>
//     {tab === 'records' ? <Records /> : <Charts />}
//   </Tabs>
import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export type TabDef<Id extends string> = { id: Id; label: ReactNode };

type TabsProps<Id extends string> = {
  /** The tablist's accessible name. */
  label: string;
  tabs: readonly TabDef<Id>[];
  selected: Id;
  onSelect: (id: Id) => void;
  /** The selected tab's content. */
  children: ReactNode;
  className?: string | undefined;
};

export function Tabs<Id extends string>({
  label,
  tabs,
  selected,
  onSelect,
  children,
  className,
}: TabsProps<Id>) {
  const baseId = useId();
  const listRef = useRef<HTMLDivElement>(null);
  const tabId = (id: Id): string => `${baseId}-tab-${id}`;
  const panelId = `${baseId}-panel`;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const at = tabs.findIndex((t) => t.id === selected);
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (at + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (at - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    const target = next === null ? undefined : tabs[next];
    if (!target) return;
    event.preventDefault();
    onSelect(target.id);
    listRef.current?.querySelector<HTMLElement>(`[data-tab-id="${target.id}"]`)?.focus();
  };

  return (
    <div className={className === undefined ? 'tabs' : `tabs ${className}`}>
      <div
        className="tabs-list"
        role="tablist"
        aria-label={label}
        ref={listRef}
        onKeyDown={onKeyDown}
      >
        {tabs.map((tab) => {
          const isSelected = tab.id === selected;
          return (
            <button
              key={tab.id}
              id={tabId(tab.id)}
              data-tab-id={tab.id}
              type="button"
              role="tab"
              aria-selected={isSelected}
              aria-controls={isSelected ? panelId : undefined}
              tabIndex={isSelected ? 0 : -1}
              onClick={() => onSelect(tab.id)}
            >
              {tab.label}
            </button>
          );
        })}
      </div>
      <div id={panelId} className="tabs-panel" role="tabpanel" aria-labelledby={tabId(selected)}>
        {children}
      </div>
    </div>
  );
}
