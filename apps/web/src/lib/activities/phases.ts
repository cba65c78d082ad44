/**
 * A phase of an activity as the console's phase buttons and the display show it: its id, and its
 * name and what it does worded in the screen's language each time they are read (so a list of
 * phases made once follows a change of language).
 */
export function phase<const I extends string>(id: I, name: () => string, what: () => string): { id: I; readonly name: string; readonly what: string } {
  return {
    id,
    get name() {
      return name();
    },
    get what() {
      return what();
    },
  };
}
