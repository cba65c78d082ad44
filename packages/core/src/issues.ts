/**
 * What zod found wrong with some input, as one sentence for people: the first problem, where it is
 * and what it is. Every place that refuses input with a zod schema words its refusal with this.
 */

/** A zod error (of any zod instance): its issues, each with a path and a message. */
export interface IssueList {
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}

export interface IssueWording {
  /** what was refused, leading the sentence: `Invalid answer` → "Invalid answer: text — Too long" */
  about?: string;
  /** the name for the input itself when the problem is not in one field (default `input`) */
  whole?: string;
  /** how to name a path, e.g. `['agenda', 2, 'title']` → "Step 3, title" (default: dotted, `agenda.2.title`) */
  where?: (path: PropertyKey[]) => string;
}

/** "`where`: `message`", or with `about`: "`about`: `where` — `message`". */
export function issueMessage(error: IssueList, wording: IssueWording = {}): string {
  const issue = error.issues[0];
  const path = [...(issue?.path ?? [])];
  const where = (wording.where ? wording.where(path) : path.map(String).join('.')) || (wording.whole ?? 'input');
  const message = issue?.message ?? 'is not valid';
  return wording.about ? `${wording.about}: ${where} — ${message}` : `${where}: ${message}`;
}
