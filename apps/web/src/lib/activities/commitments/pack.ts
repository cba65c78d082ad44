/**
 * Commitments in the participant's pack: each follow-up with whom it is about and what they will
 * do (both opened on their device), and all of them as a calendar file (.ics) to import, with reminders.
 */
import type { CommitmentsPresenterView, CommitmentsRecord } from '@canopy/core';
import { getLocale, m } from '@canopy/i18n';
import { commitmentSummary } from '@canopy/client';
import { calendarTexts } from './calendar';
import { cadenceInSentence, calendarText, toCalendar } from './view';
import { dayText } from '$lib/pack/charts';
import type { PackBlock, PackHook } from '$lib/pack/types';

export const commitmentsPack: PackHook<'commitments'> = async ({ step, unseal, fileBase, outcomes }) => {
  const rec = step.data as CommitmentsRecord | null;
  const room = (step.room ?? null) as CommitmentsPresenterView | null;
  const kind = m.commit_pack_kind();
  const items = rec?.items ?? [];
  if (!items.length) return { title: step.title, kind, blocks: [{ kind: 'text', text: m.commit_pack_none(), tone: 'muted' }] };
  const opened = await Promise.all(
    items.map(async (c) => toCalendar(c, (await unseal(c.whom)) ?? m.commit_pack_someone(), (await unseal(c.what)) ?? m.commit_pack_other_device())),
  );
  // the pack's language: the phone's when the pack is made
  const locale = getLocale();
  const texts = calendarTexts(locale);
  const ics = calendarText(opened, outcomes.title, [], [], locale);
  const blocks: PackBlock[] = [
    {
      kind: 'list',
      items: opened.map((c) => {
        const words = { summary: commitmentSummary(c, texts), cadence: cadenceInSentence(c.cadence), day: dayText(c.start) };
        return c.time ? m.commit_pack_item_at({ ...words, time: c.time }) : m.commit_pack_item(words);
      }),
    },
    { kind: 'text', text: m.commit_pack_calendar_note(), tone: 'muted' },
  ];
  if (room && room.items > 0) {
    const count = room.items;
    const cadence = room.commonest ? cadenceInSentence(room.commonest) : null;
    const text =
      room.people === 1
        ? cadence
          ? m.commit_pack_room_one_commonest({ count, cadence })
          : m.commit_pack_room_one({ count })
        : cadence
          ? m.commit_pack_room_commonest({ count, people: room.people, cadence })
          : m.commit_pack_room({ count, people: room.people });
    blocks.push({ kind: 'text', text, tone: 'muted' });
  }
  return { title: step.title, kind, blocks, files: [{ name: `${fileBase}.ics`, mime: 'text/calendar', label: m.commit_pack_file(), data: ics }] };
};
