/**
 * What zod found wrong with some input, as one sentence for people: the first problem, where it is
 * and what it is. Every place that refuses input with a zod schema words its refusal with this.
 */
import { z } from 'zod';
import { because, type Refusal } from './refusals.js';

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

/** Where the refusal is: the path of the problem `issueMessage` words (the first). */
export function issuePath(error: IssueList): PropertyKey[] {
  return [...(error.issues[0]?.path ?? [])];
}

/** "`where`: `message`", or with `about`: "`about`: `where` — `message`". */
export function issueMessage(error: IssueList, wording: IssueWording = {}): string {
  const issue = error.issues[0];
  const path = issuePath(error);
  const where = (wording.where ? wording.where(path) : path.map(String).join('.')) || (wording.whole ?? 'input');
  const message = issue?.message ?? 'is not valid';
  return wording.about ? `${wording.about}: ${where} — ${message}` : `${where}: ${message}`;
}

/**
 * The refusal's reason for the client's wording: a problem in a plan's step is AGENDA_INVALID with
 * the step's number (from 1) and the field in it; anything else INVALID with the field's path.
 */
export function issueRefusal(error: IssueList): Refusal {
  const path = issuePath(error);
  if (path[0] === 'agenda' && typeof path[1] === 'number') {
    const rest = path.slice(2);
    return because('AGENDA_INVALID', { step: path[1] + 1, field: rest.length === 1 && rest[0] === 'type' ? '' : rest.map(String).join('.') });
  }
  return because('INVALID', { field: path.map(String).join('.') });
}

/**
 * A path into a plan, as the facilitator counts steps: `['agenda', 2, 'title']` → "Step 3, title".
 * A step's type names the step alone (its message says what is wrong with the type):
 * `['agenda', 0, 'type']` → "Step 1". Other paths are dotted.
 */
export function agendaPath(path: PropertyKey[]): string {
  if (path[0] === 'agenda' && typeof path[1] === 'number') {
    const rest = path.slice(2);
    const field = rest.length === 1 && rest[0] === 'type' ? '' : rest.map(String).join('.');
    return `Step ${path[1] + 1}${field ? `, ${field}` : ''}`;
  }
  return path.map(String).join('.');
}

/**
 * A whole number from `lo` to `hi`, refused in one sentence that names it: `wholeNumber(1, 30,
 * 'minutes per turn')` refuses 40 (or "abc", or 2.5) with "minutes per turn is a whole number from
 * 1 to 30". Config schemas use it for their numbers, so the agenda editor can show their refusals as they are.
 */
export function wholeNumber(lo: number, hi: number, what: string) {
  const error = `${what} is a whole number from ${lo} to ${hi}`;
  return z.number({ error }).int({ error }).min(lo, { error }).max(hi, { error });
}
