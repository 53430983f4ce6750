import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The Beacon server the dev server forwards API calls to (`dotnet run --project src/Web` listens on 5000).
const backend = process.env.BEACON_URL ?? 'http://localhost:5000';

export default defineConfig(({ command }) => ({
  plugins: [react()],
  // Built files are served by the Web app from wwwroot/app; the dev server serves the app at its root.
  base: command === 'build' ? '/app/' : '/',
  build: {
    outDir: '../wwwroot/app',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      // SSE and long-poll pass through unbuffered; ws: true upgrades the WebSocket fallback.
      '/api/ws': { target: backend, ws: true },
      '/api': { target: backend },
      '/hangfire': { target: backend },
      '/health': { target: backend },
    },
  },
}));
