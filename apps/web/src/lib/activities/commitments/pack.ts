/**
 * Commitments in the participant's pack: each follow-up with whom it is about and what they will
 * do (both opened on their device), and all of them as a calendar file (.ics) to import, with reminders.
 */
import { CADENCE_LABELS, type CommitmentsPresenterView, type CommitmentsRecord } from '@canopy/core';
import { commitmentSummary } from '@canopy/client';
import { calendarText, toCalendar } from './view';
import { dayText } from '$lib/pack/charts';
import type { PackBlock, PackHook } from '$lib/pack/types';

export const commitmentsPack: PackHook<'commitments'> = async ({ step, unseal, fileBase, outcomes }) => {
  const rec = step.data as CommitmentsRecord | null;
  const room = (step.room ?? null) as CommitmentsPresenterView | null;
  const kind = 'Commitments';
  const items = rec?.items ?? [];
  if (!items.length) return { title: step.title, kind, blocks: [{ kind: 'text', text: 'You did not write any commitments.', tone: 'muted' }] };
  const opened = await Promise.all(
    items.map(async (c) =>
      toCalendar(c, (await unseal(c.whom)) ?? 'someone (written on another device)', (await unseal(c.what)) ?? '(written on another device)'),
    ),
  );
  const ics = calendarText(opened, outcomes.title);
  const blocks: PackBlock[] = [
    {
      kind: 'list',
      items: opened.map(
        (c) => `${commitmentSummary(c)} — ${CADENCE_LABELS[c.cadence].toLowerCase()}, from ${dayText(c.start)}${c.time ? ` at ${c.time}` : ''}`,
      ),
    },
    { kind: 'text', text: 'The calendar file in your pack puts each of them in your calendar, with a reminder.', tone: 'muted' },
  ];
  if (room && room.items > 0)
    blocks.push({
      kind: 'text',
      text: `The room made ${room.items} commitments, from ${room.people} ${room.people === 1 ? 'person' : 'people'}${room.commonest ? `; the most common rhythm: ${CADENCE_LABELS[room.commonest].toLowerCase()}` : ''}.`,
      tone: 'muted',
    });
  return { title: step.title, kind, blocks, files: [{ name: `${fileBase}.ics`, mime: 'text/calendar', label: 'Commitments (calendar, .ics)', data: ics }] };
};
