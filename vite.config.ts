import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The console and the portal are one React app served by the Custodian process.
export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: { outDir: '../../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
