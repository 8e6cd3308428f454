/**
 * Rendering helpers the component tests share (not a test file itself).
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

export interface IMounted {
  container: HTMLDivElement;
  render(element: React.ReactElement): HTMLDivElement;
  unmount(): void;
}

/** A React root in a fresh container attached to the document. */
export function mount(): IMounted {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root: Root = createRoot(container);
  return {
    container,
    render(element) {
      act(() => root.render(element));
      return container;
    },
    unmount() {
      act(() => root.unmount());
      container.remove();
    }
  };
}

/** Text content with whitespace collapsed. */
export const text = (el: Element | null | undefined): string =>
  (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** Type into an input or textarea the way React notices (native setter + input event). */
export function typeInto(el: Element | null, value: string): void {
  if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) {
    throw new Error('not an input');
  }
  const proto =
    el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  act(() => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** Choose an option of a select. */
export function choose(el: Element | null, value: string): void {
  if (!(el instanceof HTMLSelectElement)) {
    throw new Error('not a select');
  }
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')!.set!.call(el, value);
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

export function click(el: Element | null): void {
  if (!(el instanceof HTMLElement)) {
    throw new Error('nothing to click');
  }
  act(() => el.click());
}

/** Click, then let the promises the click started settle (inside act). */
export async function clickAndSettle(el: Element | null): Promise<void> {
  if (!(el instanceof HTMLElement)) {
    throw new Error('nothing to click');
  }
  await act(async () => {
    el.click();
    for (let i = 0; i < 10; i++) {
      await Promise.resolve();
    }
  });
}

/** The button whose accessible name (aria-label) is `name`. */
export function button(root: ParentNode, name: string): HTMLButtonElement | null {
  return (
    Array.from(root.querySelectorAll('button')).find(b => b.getAttribute('aria-label') === name) ??
    null
  );
}

/** The form field named ``name``. */
export const field = (root: ParentNode, name: string): HTMLInputElement | HTMLTextAreaElement =>
  root.querySelector(`[name="${name}"]`) as HTMLInputElement | HTMLTextAreaElement;
