/**
 * The plan pages' words for what core names in English (`COMMITMENT_STATE_LABELS`,
 * `PERSON_NOTE_LABELS`): read when shown, so they follow the screen's language.
 */
import type { CommitmentState, PersonNoteField } from '@canopy/core';
import { m } from '@canopy/i18n';

const STATE_WORDS: Record<CommitmentState, () => string> = {
  kept: m.console_commitment_kept,
  'not-yet': m.console_commitment_not_yet,
  dropped: m.console_commitment_dropped,
};

const NOTE_WORDS: Record<PersonNoteField, () => string> = {
  goals: m.console_pn_field_goals,
  help: m.console_pn_field_help,
  given: m.console_pn_field_given,
  received: m.console_pn_field_received,
};

/** "Kept", "Not yet", "Dropped": what became of a commitment at a check-in. */
export const commitmentStateLabel = (s: CommitmentState): string => STATE_WORDS[s]();

/** "Their goals", "How I can help", …: the fields of one's notes on someone of the map. */
export const personNoteLabel = (f: PersonNoteField): string => NOTE_WORDS[f]();
