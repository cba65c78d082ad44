// Noto Emoji's slices: their Unicode ranges and the address of each file in this build (loaded only for a pack with emoji).
import table from '@fontsource/noto-emoji/unicode.json';

export { table };
export const urls = import.meta.glob('/node_modules/@fontsource/noto-emoji/files/noto-emoji-[0-9]*-400-normal.woff', {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;
