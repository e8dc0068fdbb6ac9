/// <reference types="vitest/config" />
import { fileURLToPath, URL } from "node:url";

import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API the dev server and `vite preview` forward to (Django on :8000 by default).
const backend = process.env.BACKEND_URL ?? "http://127.0.0.1:8000";
const proxy = {
  "/api": { target: backend, changeOrigin: false },
  "/.well-known": { target: backend, changeOrigin: false },
  "/healthz": { target: backend, changeOrigin: false },
  "/readyz": { target: backend, changeOrigin: false },
};

export default defineConfig({
  base: "/",
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  server: { host: "127.0.0.1", port: 5173, strictPort: true, proxy },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true, proxy },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // No source maps in the build Django serves publicly.
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: a chunk of their own stays cached across deploys.
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
            { name: "vendor", test: /node_modules/ },
          ],
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/testing/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    // Two shared cores: keep the pool small.
    maxWorkers: 2,
    // Route-level tests click through whole pages; on two busy cores one can
    // take longer than the default 5 s without anything being wrong.
    testTimeout: 15_000,
    environmentOptions: { jsdom: { url: "http://localhost:3000/" } },
  },
});
