import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    // The API server imports build/handler.js and serves the screens on its own port.
    // CANOPY_WEB_OUT / CANOPY_KIT_DIR let two builds run side by side (e.g. two test runs).
    adapter: adapter({ out: process.env.CANOPY_WEB_OUT ?? 'build', precompress: false }),
    ...(process.env.CANOPY_KIT_DIR ? { outDir: process.env.CANOPY_KIT_DIR } : {}),
  },
};

export default config;
