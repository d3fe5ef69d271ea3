import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The UI is served by Vivace's UI port from web/dist; `npm run dev -w web` proxies the API.
export const config = defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/api': 'http://127.0.0.1:3200' } },
});

// Vite reads the default export of its config file.
// eslint-disable-next-line no-restricted-syntax
export default config;
