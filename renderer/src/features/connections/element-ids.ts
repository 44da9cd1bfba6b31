// Ids that tie a connection's Edit button to its form (aria-controls, focus on close).
export function editButtonId(connectionId: string): string {
  return `edit-connection-button-${connectionId}`;
}

export function editFormId(connectionId: string): string {
  return `edit-connection-${connectionId}`;
}
