import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer only: main, preload and the gateway are Node code, compiled by tsc.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2023',
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
