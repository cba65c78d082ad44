/**
 * Build a participant's pack in their browser: ask the server for their outcomes, let each
 * activity turn its steps into a section (opening sealed labels here, with the key that never
 * leaves the browser), then draw the PDF and collect the separate files.
 */
import type { MyOutcomes } from '@canopy/core';
import { importSealKey, unseal, type SealKey } from '@canopy/client';
import { activityUi } from '$lib/activities';
import { slug } from './names';
import type { PackFile, PackSection } from './types';

export interface Pack {
  sections: PackSection[];
  /** the PDF first, then every section's own files */
  files: PackFile[];
}

export type Progress = (fraction: number, doing: string) => void;

const dateOf = (t: number) => new Date(t).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

export async function buildPack(outcomes: MyOutcomes, sealKey: string | null, progress: Progress = () => {}): Promise<Pack> {
  progress(0.05, 'Opening your private labels…');
  let key: SealKey | null = null;
  if (sealKey) key = await importSealKey(sealKey).catch(() => null);
  const open = async (label: Parameters<typeof unseal>[1]) => (key ? unseal(key, label) : null);
  const base = slug(outcomes.title);

  const sections: PackSection[] = [];
  const steps = outcomes.steps;
  for (const [i, step] of steps.entries()) {
    progress(0.1 + (0.4 * i) / Math.max(1, steps.length), `Gathering “${step.title}”…`);
    const hook = activityUi(step.type)?.pack;
    if (!hook || step.data === null) continue;
    const section = await hook({ step, outcomes, unseal: open, fileBase: `${base}-${step.index + 1}-${slug(step.title)}` });
    if (section) sections.push(section);
  }

  progress(0.5, 'Drawing your PDF…');
  const { buildPdf } = await import('./pdf');
  const when = outcomes.closedAt ?? outcomes.at;
  const pdf = await buildPdf(
    {
      title: 'My outcomes',
      subtitle: outcomes.title,
      lines: [
        `${outcomes.you.nickname} · ${dateOf(outcomes.createdAt)}`,
        outcomes.status === 'closed'
          ? `The session ended on ${dateOf(when)}.`
          : `Made during the session, ${dateOf(when)}: download again at the end for everything.`,
        sections.length
          ? `In this pack: ${sections.map((s) => s.title).join(' · ')}`
          : 'Nothing of yours to take home yet: steps with your answers, maps and notes appear here once they have run.',
        'Private: the names in here were opened on your device only. Nobody else, not even the facilitator or the server, can read them.',
      ],
    },
    sections,
    (f) => progress(0.5 + 0.45 * f, 'Drawing your PDF…'),
  );
  const files: PackFile[] = [
    { name: `${base}-my-outcomes.pdf`, mime: 'application/pdf', label: 'Everything as one PDF', data: pdf },
    ...sections.flatMap((s) => s.files ?? []),
  ];
  progress(1, 'Ready');
  return { sections, files };
}

/** Every file of the pack in one zip (made on demand, in the browser). */
export async function zipPack(pack: Pack): Promise<Uint8Array> {
  const { zipSync, strToU8 } = await import('fflate');
  const entries: Record<string, Uint8Array> = {};
  for (const f of pack.files) entries[f.name] = typeof f.data === 'string' ? strToU8(f.data) : f.data;
  return zipSync(entries, { level: 6 });
}
