import { defineConfig } from 'vite';

// The npm package (`npm run build:lib`, see npm/README.md): the client's public entry points as ES modules in
// npm/dist. Declarations are written next to them by npm/build-types.mjs.
export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'npm/dist',
    emptyOutDir: true,
    // The consumer's bundler minifies; unminified code with maps keeps their stack traces readable.
    minify: false,
    sourcemap: true,
    lib: {
      entry: { index: 'src/package/index.ts', react: 'src/package/react.ts' },
      formats: ['es'],
    },
    rolldownOptions: {
      // React is the consumer's: a second copy would break hooks ("invalid hook call").
      external: [/^react($|\/)/, /^react-dom($|\/)/],
      output: {
        // The code both entries use goes into one shared chunk, so `@beacon/client` and `@beacon/client/react` hand
        // out the same BeaconClient class and the same connection registry.
        chunkFileNames: 'shared/core.js',
      },
    },
  },
});
