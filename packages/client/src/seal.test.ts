import { describe, expect, it } from 'vitest';
import { MapEntrySchema } from '@canopy/core';
import { importSealKey, newSealKey, seal, unseal } from './seal.js';

describe('sealed labels', () => {
  it('open with the key that sealed them, on any device that has the key', async () => {
    const encoded = await newSealKey();
    expect(encoded).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const sealed = await seal(await importSealKey(encoded), 'María López (CFO)');
    expect(JSON.stringify(sealed)).not.toContain('María');
    const elsewhere = await importSealKey(encoded); // e.g. the resume link opened on a laptop
    expect(await unseal(elsewhere, sealed)).toBe('María López (CFO)');
  });

  it('do not open with another key, nor when tampered with', async () => {
    const sealed = await seal(await importSealKey(await newSealKey()), 'Joe');
    expect(await unseal(await importSealKey(await newSealKey()), sealed)).toBeNull();
    const key = await importSealKey(await newSealKey());
    const mine = await seal(key, 'Joe');
    const flipped = { ...mine, ct: (mine.ct[0] === 'A' ? 'B' : 'A') + mine.ct.slice(1) };
    expect(await unseal(key, flipped)).toBeNull();
  });

  it('fit the map entry schema the server checks, even for long names', async () => {
    const key = await importSealKey(await newSealKey());
    for (const label of ['J', 'x'.repeat(80), '👩🏽‍💻'.repeat(20)]) {
      expect(MapEntrySchema.safeParse({ id: 'entry01', label: await seal(key, label), sector: 'above', ring: 'ally', tags: [] }).success).toBe(true);
    }
  });
});
