import { defineConfig } from 'vite';

// The gateway serves the built app as static files, so the build goes straight
// into its wwwroot; the dev server forwards API and hub traffic to a locally
// running gateway so the page and the backend share one origin, as in production.
const gateway = 'http://127.0.0.1:5080';

export default defineConfig({
  base: '/',
  build: {
    outDir: '../gateway/Orleans.Align.Gateway/wwwroot',
    // outDir is outside the project root, so Vite would refuse to clear it
    // without this; wwwroot holds nothing but build output.
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': { target: gateway, changeOrigin: true },
      '/hubs': { target: gateway, changeOrigin: true, ws: true },
    },
  },
});
