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
    // A strict Content-Security-Policy on every page: SvelteKit adds a fresh nonce per response for
    // its own start-up script. Styles allow 'unsafe-inline' (Svelte's style attributes and
    // transitions); scripts never do. Sockets go to this same origin ('self' covers ws:/wss: there).
    csp: {
      mode: 'nonce',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['none'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};

export default config;
