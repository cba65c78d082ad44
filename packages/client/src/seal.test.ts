import { afterEach, describe, expect, it, vi } from 'vitest';
import { MapEntrySchema } from '@canopy/core';
import { importSealKey, newSealKey, seal, sealEngine, unseal, type SealEngine } from './seal.js';

const ENGINES: SealEngine[] = ['webcrypto', 'js'];

describe('sealed labels', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('open with the key that sealed them, on any device that has the key', async () => {
    const encoded = await newSealKey();
    expect(encoded).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const sealed = await seal(await importSealKey(encoded), 'María López (CFO)');
    expect(JSON.stringify(sealed)).not.toContain('María');
    const elsewhere = await importSealKey(encoded); // e.g. the resume link opened on a laptop
    expect(await unseal(elsewhere, sealed)).toBe('María López (CFO)');
  });

  it('sealed by WebCrypto open in JavaScript AES-GCM and the other way round: one format', async () => {
    const encoded = await newSealKey();
    for (const by of ENGINES) {
      for (const with_ of ENGINES) {
        const label = await seal(await importSealKey(encoded, by), `Zoë ${by}→${with_} 👩🏽‍💻`);
        expect(label.iv).toMatch(/^[A-Za-z0-9_-]{16}$/); // 96 bits
        expect(await unseal(await importSealKey(encoded, with_), label)).toBe(`Zoë ${by}→${with_} 👩🏽‍💻`);
      }
    }
    // the same key, IV and text give the same bytes either way (ciphertext ‖ 128-bit tag)
    const fixedIv = new Uint8Array(12).fill(7);
    vi.spyOn(crypto, 'getRandomValues').mockImplementation((a) => {
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(fixedIv);
      return a;
    });
    const web = await seal(await importSealKey(encoded, 'webcrypto'), 'Ana');
    const js = await seal(await importSealKey(encoded, 'js'), 'Ana');
    vi.restoreAllMocks();
    expect(js).toEqual(web);
  });

  it('work on a page without WebCrypto (plain HTTP on a local network): keys, sealing and opening', async () => {
    const getRandomValues = crypto.getRandomValues.bind(crypto);
    vi.stubGlobal('crypto', { getRandomValues }); // what an insecure context has: no `subtle`
    expect(sealEngine()).toBe('js');
    const encoded = await newSealKey();
    expect(encoded).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const label = await seal(await importSealKey(encoded), 'Kim (Legal)');
    vi.unstubAllGlobals();
    expect(sealEngine()).toBe('webcrypto');
    expect(await unseal(await importSealKey(encoded), label)).toBe('Kim (Legal)');
  });

  it('do not open with another key, nor when tampered with, in either engine', async () => {
    for (const engine of ENGINES) {
      const sealed = await seal(await importSealKey(await newSealKey(), engine), 'Joe');
      expect(await unseal(await importSealKey(await newSealKey(), engine), sealed)).toBeNull();
      const key = await importSealKey(await newSealKey(), engine);
      const mine = await seal(key, 'Joe');
      const flipped = { ...mine, ct: (mine.ct[0] === 'A' ? 'B' : 'A') + mine.ct.slice(1) };
      expect(await unseal(key, flipped)).toBeNull();
    }
  });

  it('a key that is not 256 bits is refused', async () => {
    await expect(importSealKey('abc')).rejects.toThrow(/256 bits/);
  });

  it('fit the map entry schema the server checks, even for long names', async () => {
    const key = await importSealKey(await newSealKey());
    for (const label of ['J', 'x'.repeat(80), '👩🏽‍💻'.repeat(20)]) {
      expect(MapEntrySchema.safeParse({ id: 'entry01', label: await seal(key, label), sector: 'above', ring: 'ally', tags: [] }).success).toBe(true);
    }
  });
});
