/**
 * Where phones can reach this server. A facilitator opens the console on the laptop that runs
 * Canopy (`http://localhost:3000`), but a phone on the same Wi-Fi cannot use "localhost": the
 * join link and QR code must carry an address the phone can reach. The server knows its own
 * network addresses; the console asks for them (`GET /api/share-origin`) and uses them for the
 * links it hands out when it is itself opened on a loopback name (`shareOrigin` in @canopy/core).
 *
 * `PUBLIC_URL` (a real deployment behind HTTPS, e.g. `https://workshop.example.org`) overrides
 * everything: it is the one address every link uses.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { ShareOrigins } from '@canopy/core';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

const ANY = new Set(['0.0.0.0', '::', '']);

/** This machine's addresses other phones on the network could use, for a server bound to `host`. */
export function lanAddresses(host: string, interfaces: Interfaces = networkInterfaces()): string[] {
  const external = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4' && !i.internal && !i.address.startsWith('169.254.'))
    .map((i) => i.address);
  // Bound to every interface: all of them. Bound to one address: that one if it is external.
  // Bound to loopback (127.0.0.1, ::1, localhost): none — a phone could not reach it anyway.
  if (ANY.has(host)) return [...new Set(external)];
  return external.includes(host) ? [host] : [];
}

/** The origins the console may hand out for this server (see the file comment). */
export function shareOrigins(opts: { publicUrl?: string | undefined; host: string; port: number; interfaces?: Interfaces }): ShareOrigins {
  if (opts.publicUrl) return { publicUrl: new URL(opts.publicUrl).origin, lan: [] };
  return { publicUrl: null, lan: lanAddresses(opts.host, opts.interfaces).map((a) => `http://${a}:${opts.port}`) };
}
