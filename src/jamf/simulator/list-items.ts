/** Jamf's list elements and the names of their repeated children (`<sites><site>…</site></sites>`). */
const KNOWN_LIST_ITEMS: ReadonlyMap<string, string> = new Map([
  ['sites', 'site'],
  ['extension_attributes', 'extension_attribute'],
  ['computers', 'computer'],
  ['peripherals', 'peripheral'],
  ['mobile_devices', 'mobile_device'],
  ['vpp_assignments', 'vpp_assignment'],
]);

/**
 * Which child element a list element repeats. Jamf's own lists are known; lists first seen in a PUT
 * (`remote_data`) are learnt, so that a later XML GET writes them back with the child name they came with.
 */
export class ListItemNames {
  private readonly learnt = new Map<string, string>();

  /** `true` for Jamf's own list elements, which are lists even when empty. */
  isKnownList(listElement: string): boolean {
    return KNOWN_LIST_ITEMS.has(listElement);
  }

  /** Whether `child` is what `listElement` would repeat, so that a one-child element still reads as a list. */
  isItemOf(listElement: string, child: string): boolean {
    return this.itemOf(listElement) === child
      || (listElement.endsWith('ies') && child === `${listElement.slice(0, -3)}y`);
  }

  /** The child element name to write for items of `listElement`. */
  itemOf(listElement: string): string {
    const name = KNOWN_LIST_ITEMS.get(listElement) ?? this.learnt.get(listElement);
    if (name !== undefined) return name;
    if (listElement.length > 1 && listElement.endsWith('s')) return listElement.slice(0, -1);
    return listElement;
  }

  learn(listElement: string, child: string): void {
    if (!KNOWN_LIST_ITEMS.has(listElement)) this.learnt.set(listElement, child);
  }
}
