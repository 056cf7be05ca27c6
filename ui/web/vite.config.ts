import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The build goes to ../dist/app, which the Go binary embeds. `npm run dev`
// proxies the API to a `leaktrail dev` on :8080.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "../dist/app", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: {
    proxy: {
      "/graphql": { target: "http://127.0.0.1:8080", ws: true },
      "/incidents": "http://127.0.0.1:8080",
      "/evidence": "http://127.0.0.1:8080",
      "/statistics.csv": "http://127.0.0.1:8080",
    },
  },
  // antd under jsdom takes seconds per test on a loaded 2-core machine: 5 s (the default) is too close.
  test: { environment: "jsdom", setupFiles: ["./src/test-setup.ts"], include: ["src/**/*.test.{ts,tsx}"], testTimeout: 30000 },
});
