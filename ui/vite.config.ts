// The UI is plain TypeScript and CSS; Vite bundles it into ui/dist, which Tauri serves.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'ui',
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2021',
    // Everything is served from the app itself: no inline scripts or styles (the CSP forbids them).
    assetsInlineLimit: 0,
  },
});
