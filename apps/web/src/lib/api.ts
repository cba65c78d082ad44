import { createApi, type Api } from '@canopy/client';

let api: Api | null = null;

/** The typed HTTP API on this page's origin (one client for the whole app). */
export function getApi(): Api {
  api ??= createApi('');
  return api;
}
