/**
 * Group personal messages that turned out identical, so each distinct one is encoded and sent once
 * to all its recipients (a Socket.IO broadcast to several rooms encodes once), instead of once per
 * recipient. On a step change most participants have no answer yet and get the same default view.
 * Grouping is by the serialised message itself, so it cannot mix up two people's different views.
 */
export function groupSame<T>(items: Iterable<readonly [string, T]>): Array<{ message: T; recipients: string[] }> {
  const groups = new Map<string, { message: T; recipients: string[] }>();
  for (const [recipient, message] of items) {
    const key = JSON.stringify(message);
    const group = groups.get(key);
    if (group) group.recipients.push(recipient);
    else groups.set(key, { message, recipients: [recipient] });
  }
  return [...groups.values()];
}
