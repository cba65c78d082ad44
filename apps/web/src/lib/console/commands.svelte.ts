/**
 * The console's command channel: every card sends facilitator commands through one `run`, so the
 * page shows one error line and one screen-reader notice, and every button knows when a command is
 * in flight (`busy`).
 */
import type { RoomCommand } from '@canopy/core';
import { formatNumber, m } from '@canopy/i18n';
import { currentLocale } from '$lib/i18n.svelte';
import type { LiveRoom } from '$lib/room.svelte';
import { errorText } from '$lib/errors';

export class ConsoleCommands {
  /** the last command's refusal, shown in the console's alert ('' when the last one went through) */
  error = $state('');
  /** a command is on its way */
  busy = $state(false);
  /** what just happened, for screen readers */
  notice = $state('');

  /** the command on its way, if any */
  #pending: Promise<boolean> | null = null;

  constructor(readonly live: LiveRoom | null) {}

  /** Send a command; `done` is announced when it is accepted. Resolves to whether it was. */
  run = (cmd: RoomCommand, done?: string): Promise<boolean> => {
    const sent = this.#send(cmd, done);
    this.#pending = sent;
    void sent.finally(() => {
      if (this.#pending === sent) this.#pending = null;
    });
    return sent;
  };

  /** Resolves once no command is on its way (the one in flight has been answered). */
  idle = async (): Promise<void> => {
    while (this.#pending) await this.#pending.catch(() => false);
  };

  #send = async (cmd: RoomCommand, done?: string): Promise<boolean> => {
    if (!this.live) return false;
    this.busy = true;
    try {
      const ack = await this.live.conn.command(cmd);
      if (!ack.ok) {
        this.error = errorText(ack.error);
        return false;
      }
      this.error = '';
      if (done) this.notice = done;
      return true;
    } finally {
      this.busy = false;
    }
  };
}

/** A planned length: "5 min", or "2:30" when it is not whole minutes. */
export const mins = (sec: number) =>
  sec % 60 === 0
    ? m.console_minutes_short({ minutes: formatNumber(currentLocale(), sec / 60) })
    : `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}`;
