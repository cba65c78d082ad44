/**
 * The commitment being written or changed, in the commitments step and on the plan page: its
 * fields, filling it (an idea from the map, a commitment to change), checking it and sealing it.
 */
import { randomId } from '@canopy/client';
import { normalizeCommitmentWhat, type Cadence, type CommitmentItem } from '@canopy/core';
import { m } from '@canopy/i18n';
import type { Sealer } from '../sealer.svelte';
import { clampLabel } from '../mental-map/model';
import { today } from './view';

export interface DraftFill {
  /** the commitment changed; none for a new one */
  id?: string | null;
  whom: string;
  what: string;
  start?: string;
  cadence?: Cadence;
  time?: string;
}

export class CommitmentDraft {
  readonly firstDay = today();
  editing = $state<string | null>(null);
  whom = $state('');
  what = $state('');
  start = $state(this.firstDay);
  cadence = $state<Cadence>('monthly');
  time = $state('');
  error = $state('');

  reset() {
    this.fill({ whom: '', what: '' });
  }

  fill(p: DraftFill) {
    this.editing = p.id ?? null;
    this.whom = p.whom;
    this.what = p.what;
    this.start = p.start ?? this.firstDay;
    this.cadence = p.cadence ?? 'monthly';
    this.time = p.time ?? '';
    this.error = '';
  }

  /** Whom and what as they will be sealed, or what is missing and which field to go to. */
  check(): { ok: true; name: string; doing: string } | { ok: false; error: string; field: 'whom' | 'what' | 'start' } {
    const name = clampLabel(this.whom);
    if (!name) return { ok: false, error: m.commit_error_whom(), field: 'whom' };
    const doing = normalizeCommitmentWhat(this.what);
    if (!doing) return { ok: false, error: m.commit_error_what(), field: 'what' };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(this.start)) return { ok: false, error: m.commit_error_start(), field: 'start' };
    return { ok: true, name, doing };
  }

  /** The commitment, whom and what sealed here; null when this device cannot seal. */
  async sealed(sealer: Pick<Sealer, 'seal'>, name: string, doing: string): Promise<CommitmentItem | null> {
    const [whom, what] = await Promise.all([sealer.seal(name), sealer.seal(doing)]);
    if (!whom || !what) return null;
    return { id: this.editing ?? randomId(8), whom, what, start: this.start, cadence: this.cadence, ...(this.time ? { time: this.time } : {}) };
  }
}
