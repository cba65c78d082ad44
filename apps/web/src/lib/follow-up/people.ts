/** Reading a person's plan by the people on their map. */
import { CADENCE_LABELS, type PlanView, type SealedLabel } from '@canopy/core';
import { dayText } from '$lib/activities/commitments/view';

const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/** The commitments about someone of the map: their whom, opened here, is that person's name. */
export function commitmentsAbout(plan: PlanView, open: (l: SealedLabel) => string | null | undefined, name: string) {
  return plan.basis.commitments
    .filter((c) => {
      const whom = open(c.whom);
      return !!whom && sameName(whom, name);
    })
    .map((c) => ({ id: c.id, what: open(c.what) ?? '…', when: `${CADENCE_LABELS[c.cadence]} from ${dayText(c.start)}` }));
}
