import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    // The API server imports build/handler.js and serves the screens on its own port.
    adapter: adapter({ out: 'build', precompress: false }),
  },
};

export default config;
