// Noto Sans JP's slices: their Unicode ranges and the address of each file in this build (loaded only for a pack with such characters).
import table from '@fontsource/noto-sans-jp/unicode.json';

export { table };
export const urls = import.meta.glob('/node_modules/@fontsource/noto-sans-jp/files/noto-sans-jp-[0-9]*-{400,700}-normal.woff', {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;
