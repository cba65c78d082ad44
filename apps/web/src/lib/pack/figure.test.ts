/**
 * The pack's pictures as files: the participant's map keeps every name (any script), escapes what
 * would break the SVG, and places everyone inside the picture; file names stay portable.
 */
import { describe, expect, it } from 'vitest';
import { mapFigure } from '../activities/mental-map/pack';
import { figureToSvg, type Shape } from './figure';

type TextShape = Extract<Shape, { t: 'text' }>;
const isText = (s: Shape): s is TextShape => s.t === 'text';
import { slug } from './names';

const people = [
  { id: 'p1', label: 'Zoë Łukasiewicz', sector: 'above', ring: 'ally', tags: ['trusted'] },
  { id: 'p2', label: 'Tom & <Jerry>', sector: 'across', ring: 'core', tags: [] },
  { id: 'p3', label: 'Ярослава', sector: 'across', ring: 'core', tags: ['uncontacted'] },
  { id: 'p4', label: '陈伟 "CW"', sector: 'outside', ring: 'contact', tags: ['potential', 'influential'] },
] as const;

describe('the map as an SVG file', () => {
  const fig = mapFigure(
    people.map((p) => ({ ...p, tags: [...p.tags] })),
    'Ana',
  );
  const svg = figureToSvg(fig, 1000);

  it('is a standalone SVG document of the asked size with a title naming whose map it is', () => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1000" height="1000" viewBox="-100 -100 200 200"/);
    expect(svg).toContain('<title>Ana’s ally map: Zoë Łukasiewicz, Tom &amp; &lt;Jerry&gt;, Ярослава, 陈伟 &quot;CW&quot;</title>');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });

  it('writes every name once in full, escaped, with initials on the tokens', () => {
    for (const text of ['Zoë Łukasiewicz', 'Tom &amp; &lt;Jerry&gt;', 'Ярослава', '陈伟 &quot;CW&quot;']) expect(svg.split(`>${text}</text>`)).toHaveLength(2);
    expect(svg).not.toContain('<Jerry>');
    for (const initials of ['ZŁ', 'T&lt;', 'ЯР', '陈&quot;']) expect(svg).toContain(`>${initials}</text>`);
  });

  it('draws the four directions and rings, and puts everyone inside the picture', () => {
    for (const word of ['ABOVE', 'ACROSS', 'BELOW', 'OUTSIDE', 'Core', 'Ally', 'Colleague', 'Contact']) expect(svg).toContain(`>${word}</text>`);
    const texts = fig.shapes.filter(isText);
    for (const t of texts) {
      expect(Math.abs(t.x)).toBeLessThan(100);
      expect(Math.abs(t.y)).toBeLessThan(100);
    }
    // two people in one cell do not sit on the same spot
    const tokens = fig.shapes.filter(isText).filter((s) => s.text === 'T<' || s.text === 'ЯР');
    expect(tokens).toHaveLength(2);
    expect(Math.hypot(tokens[0]!.x - tokens[1]!.x, tokens[0]!.y - tokens[1]!.y)).toBeGreaterThan(5);
  });
});

describe('file names', () => {
  it('keep letters of any script, drop accents and punctuation', () => {
    expect(slug('Allies at Würzburg!')).toBe('allies-at-wurzburg');
    expect(slug('Союзники — весна 2026')).toBe('союзники-весна-2026');
    expect(slug('***')).toBe('workshop');
    expect(slug('a'.repeat(60))).toHaveLength(40);
  });
});
