/**
 * Vector figures for the pack: a list of shapes in their own coordinates (an SVG viewBox), drawn
 * as an SVG file, as a PNG (the browser rasterises that SVG on a canvas) and straight into the PDF
 * as vectors (see pdf.ts). One description, three outputs.
 */

export type Shape =
  | { t: 'path'; d: string; fill?: string; stroke?: string; strokeWidth?: number; dash?: number[] }
  | { t: 'circle'; cx: number; cy: number; r: number; fill?: string; stroke?: string; strokeWidth?: number; dash?: number[] }
  | { t: 'rect'; x: number; y: number; w: number; h: number; fill?: string; stroke?: string; strokeWidth?: number }
  | {
      t: 'text';
      x: number;
      y: number;
      text: string;
      size: number;
      fill?: string;
      anchor?: 'start' | 'middle' | 'end';
      bold?: boolean;
      /** degrees, clockwise, around (x, y) */
      rotate?: number;
      /** a background colour behind the text, so it stays readable over the drawing */
      halo?: string;
    };

export interface Figure {
  /** what the picture shows, for screen readers and the SVG's <title> */
  title: string;
  /** x, y, width, height of the drawing's coordinates */
  viewBox: [number, number, number, number];
  shapes: Shape[];
}

/** A closed circle as an SVG path (for renderers that only draw paths). */
export const circlePath = (cx: number, cy: number, r: number) => `M${cx - r} ${cy}A${r} ${r} 0 1 0 ${cx + r} ${cy}A${r} ${r} 0 1 0 ${cx - r} ${cy}Z`;
export const rectPath = (x: number, y: number, w: number, h: number) => `M${x} ${y}H${x + w}V${y + h}H${x}Z`;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => String(Math.round(v * 100) / 100);

export const FONT_STACK = "'DejaVu Sans', 'Inter', Arial, sans-serif";

function paint(s: { fill?: string; stroke?: string; strokeWidth?: number; dash?: number[] }): string {
  return [
    `fill="${esc(s.fill ?? 'none')}"`,
    s.stroke ? `stroke="${esc(s.stroke)}" stroke-width="${n(s.strokeWidth ?? 1)}"` : '',
    s.dash?.length ? `stroke-dasharray="${s.dash.map(n).join(' ')}"` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** The figure as a standalone SVG document of `pixelWidth` (height from the view box). */
export function figureToSvg(fig: Figure, pixelWidth = 800): string {
  const [x, y, w, h] = fig.viewBox;
  const pixelHeight = Math.round((pixelWidth * h) / w);
  const body = fig.shapes.map((s) => {
    switch (s.t) {
      case 'path':
        return `<path d="${esc(s.d)}" ${paint(s)}/>`;
      case 'circle':
        return `<circle cx="${n(s.cx)}" cy="${n(s.cy)}" r="${n(s.r)}" ${paint(s)}/>`;
      case 'rect':
        return `<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" ${paint(s)}/>`;
      case 'text': {
        const anchor = s.anchor ?? 'start';
        const rotate = s.rotate ? ` transform="rotate(${n(s.rotate)} ${n(s.x)} ${n(s.y)})"` : '';
        const halo = s.halo ? ` stroke="${esc(s.halo)}" stroke-width="${n(s.size * 0.35)}" stroke-linejoin="round" paint-order="stroke"` : '';
        return `<text x="${n(s.x)}" y="${n(s.y)}" font-size="${n(s.size)}" text-anchor="${anchor}" fill="${esc(s.fill ?? '#000')}"${s.bold ? ' font-weight="700"' : ''}${halo}${rotate}>${esc(s.text)}</text>`;
      }
    }
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${pixelWidth}" height="${pixelHeight}" viewBox="${n(x)} ${n(y)} ${n(w)} ${n(h)}" font-family="${esc(FONT_STACK)}" role="img">`,
    `<title>${esc(fig.title)}</title>`,
    `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Rasterise an SVG document in the browser: PNG bytes of its own pixel size. */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw pictures here.');
    ctx.drawImage(img, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('This browser could not make the picture.');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}
