/**
 * The pictures the new screens draw, checked as numbers: where a self-assessment bar sits on the
 * diverging scale, and how the word cloud sizes and orders its words; and the words screens make
 * from codes core sends (the steelman prompt, a partnership nudge, someone who left).
 */
import { describe, expect, it } from 'vitest';
import { steelmanPromptText } from './adversaries/view';
import { cloudLayout } from './open-prompt/view';
import { nudgeText } from './partnership/words';
import { nameOrLeft } from '$lib/names';
import { commonest, divergingBar } from './self-assessment/view';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('a self-assessment bar on the diverging scale', () => {
  it('a room that answers "Rarely" to a person sits wholly left of the centre line, "Almost always" wholly right', () => {
    expect(divergingBar([3, 0, 0, 0, 0])).toEqual({ offset: 0, widths: [50, 0, 0, 0, 0] });
    expect(divergingBar([0, 0, 0, 0, 4])).toEqual({ offset: 50, widths: [0, 0, 0, 0, 50] });
  });

  it('the middle answer straddles the centre line, so a room split evenly around it is centred', () => {
    const bar = divergingBar([1, 0, 2, 0, 1])!;
    expect(bar.offset).toBe(25);
    expect(sum(bar.widths)).toBe(50);
    // the left end plus the low answers and half the middle ones reach exactly the centre
    expect(bar.offset + bar.widths[0]! + bar.widths[1]! + bar.widths[2]! / 2).toBe(50);
  });

  it('leans right as answers grow, and has no bar without answers', () => {
    const often = divergingBar([0, 0, 1, 1, 1])!;
    expect(often.offset).toBeCloseTo(50 - (0.5 / 3) * 50, 10);
    expect(divergingBar([0, 0, 0, 0, 0])).toBeNull();
  });

  it('names the commonest answer, the higher point on a tie', () => {
    const scale = ['Rarely', 'Sometimes', 'Often', 'Usually', 'Almost always'];
    expect(commonest({ id: 'a', text: '', answered: 4, counts: [0, 1, 0, 3, 0], mean: 3.5 }, scale)).toBe('Usually');
    expect(commonest({ id: 'a', text: '', answered: 4, counts: [2, 0, 0, 0, 2], mean: 3 }, scale)).toBe('Almost always');
    expect(commonest({ id: 'a', text: '', answered: 1, counts: null, mean: null }, scale)).toBeNull();
  });
});

describe('the word cloud', () => {
  const words = [
    { word: 'credit', count: 5 },
    { word: 'trust', count: 3 },
    { word: 'help', count: 2 },
    { word: 'listens', count: 1 },
    { word: 'goals', count: 1 },
  ];

  it('puts the most frequent word in the middle and the rarer ones towards the edges', () => {
    const laid = cloudLayout(words).map((w) => w.word);
    expect(laid).toHaveLength(5);
    expect(laid[2]).toBe('credit');
    expect(new Set(laid)).toEqual(new Set(words.map((w) => w.word)));
    expect([laid[0], laid[4]].sort()).toEqual(['goals', 'listens']);
  });

  it('sizes words by frequency: the biggest at full size, the rarest at the smallest', () => {
    const size = Object.fromEntries(cloudLayout(words).map((w) => [w.word, w.scale]));
    expect(size.credit).toBe(1);
    expect(size.listens).toBeCloseTo(0.42, 10);
    expect(size.trust!).toBeGreaterThan(size.help!);
    expect(size.help!).toBeGreaterThan(size.goals!);
  });

  it('words that appear equally often are the same size; no answers, no words', () => {
    expect(
      new Set(
        cloudLayout([
          { word: 'a', count: 2 },
          { word: 'b', count: 2 },
        ]).map((w) => w.scale),
      ),
    ).toEqual(new Set([0.7]));
    expect(cloudLayout([])).toEqual([]);
  });
});

describe('what core sends as a code, each screen words in its own language', () => {
  it('the steelman prompt: the same English as before, and another language for another screen', () => {
    expect(steelmanPromptText({ code: 'state-you', listener: 'Ben' }, 'en')).toBe(
      'Your turn: tell Ben where you stand and why. Give your best reasons, then mark your view as stated.',
    );
    expect(steelmanPromptText({ code: 'restate-you', speaker: 'Ana', again: true }, 'en')).toBe(
      'Restate Ana’s view in your own words, as convincingly as they would put it — they asked you to try again.',
    );
    expect(steelmanPromptText({ code: 'verdict-listener', speaker: 'Ana' }, 'en')).toBe('Wait for Ana to accept your restatement first.');
    expect(steelmanPromptText({ code: 'verdict-listener', speaker: 'Ana' }, 'de')).toBe('Warte, bis Ana deine Wiedergabe annimmt.');
    // a name that is gone reads "your partner"; no prompt, no words
    expect(steelmanPromptText({ code: 'state-listener', speaker: null }, 'es')).toContain('tu pareja');
    expect(steelmanPromptText(null, 'en')).toBe('');
  });

  it('a partnership nudge: the facilitator’s words as typed, the kinds worded with plurals', () => {
    expect(nudgeText({ at: 1, kind: 'text', text: 'Swap who talks' }, 'de')).toBe('Swap who talks');
    expect(nudgeText({ at: 1, kind: 'left', minutes: 2 }, 'en')).toBe('2 minutes left — start wrapping up this question.');
    expect(nudgeText({ at: 1, kind: 'about', minutes: 1 }, 'en')).toBe('About one minute left. Start wrapping up.');
    expect(nudgeText({ at: 1, kind: 'about', minutes: 4 }, 'en')).toBe('About 4 minutes left on this question.');
    expect(nudgeText({ at: 1, kind: 'time-up' }, 'en')).toBe('Time is up for this question. Finish your thought and move on.');
    expect(nudgeText({ at: 1, kind: 'wrap-up' }, 'en')).toBe('Time to start wrapping up this question.');
    expect(nudgeText({ at: 1, kind: 'left', minutes: 2 }, 'ar')).toBe('بقيت دقيقتان — ابدؤوا باختتام هذا السؤال.');
    expect(nudgeText({ at: 1, kind: 'left', minutes: 2 }, 'es')).toBe('Quedan 2 minutos: id cerrando esta pregunta.');
  });

  it('someone who left has no name in the view: the screen says so', () => {
    expect(nameOrLeft('Ana', 'en')).toBe('Ana');
    expect(nameOrLeft(null, 'en')).toBe('Someone who left');
    expect(nameOrLeft(null, 'ar')).toBe('شخص غادر');
    expect(nameOrLeft(null, 'en')).toBe('Someone who left');
    expect(nameOrLeft('Jo', 'es')).toBe('Jo');
  });
});
