/**
 * Build a participant's pack in their browser: ask the server for their outcomes, let each
 * activity turn its steps into a section (opening sealed labels here, with the key that never
 * leaves the browser), then draw the PDF and collect the separate files.
 */
import type { MyOutcomes } from '@canopy/core';
import { importSealKey, unseal, type SealKey } from '@canopy/client';
import { formatDate, m } from '@canopy/i18n';
import { activityUi } from '$lib/activities';
import { currentLocale } from '$lib/i18n.svelte';
import { slug } from './names';
import type { PackFile, PackSection } from './types';

export interface Pack {
  sections: PackSection[];
  /** the PDF first, then every section's own files */
  files: PackFile[];
}

export type Progress = (fraction: number, doing: string) => void;

/** The pack speaks the phone's language as it is when the pack is made. */
const dateOf = (t: number) => formatDate(currentLocale(), t, { year: 'numeric', month: 'long', day: 'numeric' });

export async function buildPack(outcomes: MyOutcomes, sealKey: string | null, progress: Progress = () => {}): Promise<Pack> {
  progress(0.05, m.console_pack_opening_labels());
  let key: SealKey | null = null;
  if (sealKey) key = await importSealKey(sealKey).catch(() => null);
  const open = async (label: Parameters<typeof unseal>[1]) => (key ? unseal(key, label) : null);
  const base = slug(outcomes.title);

  const sections: PackSection[] = [];
  const steps = outcomes.steps;
  for (const [i, step] of steps.entries()) {
    progress(0.1 + (0.4 * i) / Math.max(1, steps.length), m.console_pack_gathering({ title: step.title }));
    const hook = activityUi(step.type)?.pack;
    if (!hook || step.data === null) continue;
    const section = await hook({ step, outcomes, unseal: open, fileBase: `${base}-${step.index + 1}-${slug(step.title)}` });
    if (section) sections.push(section);
  }

  progress(0.5, m.console_pack_drawing());
  const { buildPdf } = await import('./pdf');
  const when = outcomes.closedAt ?? outcomes.at;
  const pdf = await buildPdf(
    {
      title: m.console_pack_title(),
      subtitle: outcomes.title,
      lines: [
        `${outcomes.you.nickname} · ${dateOf(outcomes.createdAt)}`,
        outcomes.status === 'closed' ? m.console_plan_ended_on({ date: dateOf(when) }) : m.console_pack_made_during({ date: dateOf(when) }),
        sections.length ? m.console_pack_in_this_pack({ sections: sections.map((s) => s.title).join(' · ') }) : m.console_pack_nothing_yet(),
        m.console_pack_private(),
      ],
    },
    sections,
    (f) => progress(0.5 + 0.45 * f, m.console_pack_drawing()),
  );
  const files: PackFile[] = [
    { name: `${base}-my-outcomes.pdf`, mime: 'application/pdf', label: m.console_pack_pdf_label(), data: pdf },
    ...sections.flatMap((s) => s.files ?? []),
  ];
  progress(1, m.console_pack_ready());
  return { sections, files };
}

/** Every file of the pack in one zip (made on demand, in the browser). */
export async function zipPack(pack: Pack): Promise<Uint8Array> {
  const { zipSync, strToU8 } = await import('fflate');
  const entries: Record<string, Uint8Array> = {};
  for (const f of pack.files) entries[f.name] = typeof f.data === 'string' ? strToU8(f.data) : f.data;
  return zipSync(entries, { level: 6 });
}
