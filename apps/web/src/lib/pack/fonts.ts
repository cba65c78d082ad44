/**
 * The pack's fonts in the browser. Every font file @canopy/print may choose is a static asset of
 * the build, but the browser fetches only what a pack's text needs: DejaVu Sans always (regular
 * and bold; it has Latin, Greek, Cyrillic, Arabic and Hebrew), and for Chinese, Japanese, Korean
 * and emoji first the font's table of slices (a small script, fonts/*.ts) and then only the slices
 * (20–60 KB each) holding the characters used. A fetched file stays in the page's cache for
 * the next pack. docs/downloads.md has the measured bytes.
 */
import { SLICED, baseFace, faceFile, type Face, type SlicedFamily, type Typesetter } from '@canopy/print';

// DejaVu Sans (not sliced): its addresses are in this module
const URLS: Record<string, string> = import.meta.glob(
  ['/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf', '/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'],
  { query: '?url', import: 'default', eager: true },
);

interface SliceModule {
  table: Record<string, string>;
  urls: Record<string, string>;
}
const SLICE_MODULES: Record<SlicedFamily, () => Promise<SliceModule>> = {
  sc: () => import('./fonts/sc'),
  jp: () => import('./fonts/jp'),
  kr: () => import('./fonts/kr'),
  emoji: () => import('./fonts/emoji'),
};

const fileCache = new Map<string, Promise<ArrayBuffer>>();

function fetchOnce(url: string): Promise<ArrayBuffer> {
  let p = fileCache.get(url);
  if (!p) {
    p = fetch(url).then((res) => {
      if (!res.ok) throw new Error('Could not load a font for the PDF. Check your connection and try again.');
      return res.arrayBuffer();
    });
    p.catch(() => fileCache.delete(url));
    fileCache.set(url, p);
  }
  return p;
}

/** DejaVu Sans regular, whose characters decide what else a text needs. */
export const regularBytes = () => fetchOnce(URLS[`/node_modules/${faceFile(baseFace(400))}`]!);

/**
 * Make `typesetter` ready for `texts`: load the slice tables of the sliced fonts they use. Returns
 * how to get the bytes of any face it then chooses for them.
 */
export async function prepareFonts(typesetter: Typesetter, texts: string[]): Promise<(face: Face) => Promise<ArrayBuffer>> {
  const families = typesetter.slicedFamilies(texts);
  const modules = new Map<SlicedFamily, SliceModule>(await Promise.all(families.map(async (f) => [f, await SLICE_MODULES[f]()] as const)));
  typesetter.addTables(Object.fromEntries([...modules].map(([f, m]) => [f, m.table])));
  return (face) => {
    const path = `/node_modules/${faceFile(face)}`;
    const family = SLICED.find((f) => f === face.family);
    const url = family ? modules.get(family)?.urls[path] : URLS[path];
    return url ? fetchOnce(url) : Promise.reject(new Error(`No font file for ${face.id} in this build.`));
  };
}
