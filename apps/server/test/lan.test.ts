/**
 * A facilitator runs Canopy on a laptop and opens the console at http://localhost:3000. The phones
 * in the room cannot use "localhost": the console's join link must carry an address they can
 * reach. These tests read the addresses the server offers; they never send anything to them.
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lanAddresses, shareOrigins } from '../src/lan.js';
import { useWorkshops } from './support.js';

const iface = (address: string, internal = false, family: 'IPv4' | 'IPv6' = 'IPv4'): NetworkInterfaceInfo =>
  ({ address, internal, family, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;

const LAPTOP = {
  lo: [iface('127.0.0.1', true), iface('::1', true, 'IPv6')],
  wlan0: [iface('192.168.1.20'), iface('fe80::1', false, 'IPv6')],
  docker0: [iface('169.254.3.3')],
};

describe('the address phones use to join', () => {
  it('a server listening on every interface offers its Wi-Fi address (IPv4, not link-local, not loopback)', () => {
    expect(lanAddresses('0.0.0.0', LAPTOP)).toEqual(['192.168.1.20']);
    expect(shareOrigins({ host: '0.0.0.0', port: 3000, interfaces: LAPTOP })).toEqual({ publicUrl: null, lan: ['http://192.168.1.20:3000'] });
  });

  it('a server listening on loopback only offers none (a phone could not reach it), one bound to its LAN address offers that one', () => {
    expect(lanAddresses('127.0.0.1', LAPTOP)).toEqual([]);
    expect(lanAddresses('localhost', LAPTOP)).toEqual([]);
    expect(lanAddresses('192.168.1.20', LAPTOP)).toEqual(['192.168.1.20']);
  });

  it('PUBLIC_URL overrides everything (a real deployment behind HTTPS)', () => {
    expect(shareOrigins({ publicUrl: 'https://workshop.example.org/', host: '0.0.0.0', port: 3000, interfaces: LAPTOP })).toEqual({
      publicUrl: 'https://workshop.example.org',
      lan: [],
    });
  });

  describe('GET /api/share-origin', () => {
    const { server } = useWorkshops();

    it('answers what the console needs to build its join link and QR code', async () => {
      const loopbackOnly = await server();
      expect(await (await fetch(`${loopbackOnly.url}/api/share-origin`)).json()).toEqual({ publicUrl: null, lan: [] });

      const everywhere = await server({ HOST: '0.0.0.0' });
      const expected = lanAddresses('0.0.0.0', networkInterfaces()).map((a) => `http://${a}:${everywhere.port}`);
      expect(await (await fetch(`http://127.0.0.1:${everywhere.port}/api/share-origin`)).json()).toEqual({ publicUrl: null, lan: expected });

      const deployed = await server({ PUBLIC_URL: 'https://workshop.example.org' });
      expect(await (await fetch(`${deployed.url}/api/share-origin`)).json()).toEqual({ publicUrl: 'https://workshop.example.org', lan: [] });
    });
  });
});
