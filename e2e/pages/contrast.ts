// WCAG contrast of what a control shows right now (hovered, focused…): its text colour against
// the first opaque background behind it, computed in the page from the styles in effect.
import { expect, type Locator } from '@playwright/test';

/** The little of the DOM used here (the e2e project compiles without the DOM library). */
type PageNode = {
  parentElement: PageNode | null;
  getAnimations: () => { finished: Promise<unknown> }[];
};
type PageWindow = {
  getComputedStyle: (node: PageNode) => { color: string; backgroundColor: string };
};

/** The contrast ratio (1–21) of the element's text against its effective background. */
export async function contrastOf(locator: Locator): Promise<number> {
  return locator.evaluate((element: PageNode) => {
    const view = globalThis as unknown as PageWindow;
    const rgba = (css: string): [number, number, number, number] => {
      const parts = css.match(/[\d.]+/g)?.map(Number) ?? [];
      return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
    };
    const luminance = ([r, g, b]: number[]): number => {
      const channel = (v: number): number => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r ?? 0) + 0.7152 * channel(g ?? 0) + 0.0722 * channel(b ?? 0);
    };
    let background: [number, number, number, number] = [255, 255, 255, 1];
    for (let at: PageNode | null = element; at; at = at.parentElement) {
      const color = rgba(view.getComputedStyle(at).backgroundColor);
      if (color[3] > 0.99) {
        background = color;
        break;
      }
    }
    const text = rgba(view.getComputedStyle(element).color);
    const a = luminance(text);
    const b = luminance(background);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}

/** Hovers the control and expects its text readable at WCAG AA (4.5:1). */
export async function expectReadableWhenHovered(locator: Locator, name: string): Promise<void> {
  await locator.hover();
  // Colour transitions finish before the colours are read.
  await locator.evaluate((element: PageNode) =>
    Promise.all(element.getAnimations().map((animation) => animation.finished)),
  );
  expect(await contrastOf(locator), `${name} hovered`).toBeGreaterThanOrEqual(4.5);
}
