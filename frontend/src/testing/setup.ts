import "@testing-library/jest-dom/vitest";

import { cleanup, configure } from "@testing-library/react";
import { afterEach, beforeEach, vi } from "vitest";

import { mockApi } from "@/testing/mock-api";
import { tokenStore } from "@/lib/token-store";

// findBy… waits up to 1 s by default: too short for a whole page on two busy cores.
configure({ asyncUtilTimeout: 5_000 });

// What jsdom lacks and Radix uses.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;
Element.prototype.scrollIntoView ??= function () {};
Element.prototype.hasPointerCapture ??= () => false;
Element.prototype.releasePointerCapture ??= () => {};

beforeEach(() => {
  sessionStorage.clear();
  tokenStore.reset();
  mockApi.reset();
  vi.stubGlobal("fetch", mockApi.fetch);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  mockApi.assertAllHandled();
});
