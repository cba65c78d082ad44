/**
 * The end of the step's timer, on the display and on phones: a short chime generated with Web
 * Audio (no sound file), a vibration where the device has one, and whether a countdown on the page
 * shows the step's timer (then the page says "Time is up" once, not each countdown again).
 */
import type { Timer } from '@canopy/core';
import { getContext, setContext } from 'svelte';

/** Browser tests set `window.__canopyTest = { chimes: [], … }` before the page loads to see the chime was played. */
interface TestHook {
  chimes?: number[];
}
const testHook = (): TestHook | undefined => (globalThis as { __canopyTest?: TestHook }).__canopyTest;

let audio: AudioContext | null = null;

function audioContext(): AudioContext | null {
  const Ctx = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) return null;
  audio ??= new Ctx();
  void audio.resume().catch(() => {});
  return audio;
}

/**
 * Browsers keep a page silent until someone has clicked or pressed a key in it: the first click or
 * key on the display (e.g. to go full screen) makes the chime audible from then on. Returns the undo.
 */
export function unlockAudioOnFirstTouch(): () => void {
  const unlock = () => {
    try {
      audioContext();
    } catch {
      // no audio on this device
    }
    off();
  };
  const off = () => {
    removeEventListener('pointerdown', unlock);
    removeEventListener('keydown', unlock);
  };
  addEventListener('pointerdown', unlock);
  addEventListener('keydown', unlock);
  return off;
}

/** Two soft notes, generated (about 0.9 s). */
export function playChime(): void {
  testHook()?.chimes?.push(Date.now());
  try {
    const audio = audioContext();
    if (!audio) return;
    const start = audio.currentTime + 0.02;
    for (const [i, freq] of [880, 1318.5].entries()) {
      const t = start + i * 0.22;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.6);
      osc.connect(gain).connect(audio.destination);
      osc.start(t);
      osc.stop(t + 0.65);
    }
  } catch {
    // no audio on this device: the screen still shows the end
  }
}

/** A short buzz on phones that can (navigator.vibrate); nothing elsewhere. */
export function buzz(): void {
  const nav = globalThis.navigator as Navigator | undefined;
  if (typeof nav?.vibrate === 'function') nav.vibrate([200, 100, 200]);
}

const KEY = Symbol('canopy:time-up');

/** The page says the step timer's end itself: a countdown showing that same timer stays quiet at zero. */
export function pageSpeaksTimeUp(stepTimer: () => Timer | null | undefined): void {
  setContext(KEY, (t: Timer) => JSON.stringify(stepTimer() ?? null) === JSON.stringify(t));
}

/** For a countdown: does the page already say when this timer is up? */
export function timeUpSaidByPage(): (t: Timer) => boolean {
  return getContext<((t: Timer) => boolean) | undefined>(KEY) ?? (() => false);
}
