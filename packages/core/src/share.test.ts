import { describe, expect, it } from 'vitest';
import { isLoopbackHost, shareOrigin } from './share.js';

const page = (origin: string) => ({ origin, hostname: origin.replace(/^https?:\/\//, '').replace(/:\d+$/, '') });
const lan = { publicUrl: null, lan: ['http://192.168.1.20:3000', 'http://10.0.0.5:3000'] };

describe('the address in the join link and QR code', () => {
  it('a console opened on localhost hands out the laptop’s local-network address, so phones can open it', () => {
    for (const o of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) expect(shareOrigin(page(o), lan)).toBe('http://192.168.1.20:3000');
  });

  it('a console opened on any other name hands out that name (the facilitator reached it, so can the room)', () => {
    expect(shareOrigin(page('http://192.168.1.20:3000'), lan)).toBe('http://192.168.1.20:3000');
    expect(shareOrigin(page('http://canopy.test:3000'), lan)).toBe('http://canopy.test:3000');
  });

  it('without a local-network address (or before the server answered) the page’s own origin', () => {
    expect(shareOrigin(page('http://localhost:3000'), { publicUrl: null, lan: [] })).toBe('http://localhost:3000');
    expect(shareOrigin(page('http://localhost:3000'), null)).toBe('http://localhost:3000');
  });

  it('PUBLIC_URL wins everywhere', () => {
    const pub = { publicUrl: 'https://workshop.example.org', lan: ['http://192.168.1.20:3000'] };
    expect(shareOrigin(page('http://localhost:3000'), pub)).toBe('https://workshop.example.org');
    expect(shareOrigin(page('http://192.168.1.20:3000'), pub)).toBe('https://workshop.example.org');
  });

  it('knows the loopback names', () => {
    expect(['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['canopy.test', '192.168.1.20', '10.0.0.1', 'example.org'].some(isLoopbackHost)).toBe(false);
  });
});
