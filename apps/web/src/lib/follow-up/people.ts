/** Reading a person's plan by the people on their map. */
import type { PlanView, SealedLabel } from '@canopy/core';
import { m } from '@canopy/i18n';
import { cadenceLabel, dayText } from '$lib/activities/commitments/view';

const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/** The commitments about someone of the map: their whom, opened here, is that person's name. */
export function commitmentsAbout(plan: PlanView, open: (l: SealedLabel) => string | null | undefined, name: string) {
  return plan.basis.commitments
    .filter((c) => {
      const whom = open(c.whom);
      return !!whom && sameName(whom, name);
    })
    .map((c) => ({ id: c.id, what: open(c.what) ?? '…', when: m.console_plan_cadence_from({ cadence: cadenceLabel(c.cadence), start: dayText(c.start) }) }));
}
