import { defineConfig } from 'vitest/config';

// Unit tests need no DOM: the realtime client takes its browser APIs (EventSource, WebSocket, fetch,
// locks, BroadcastChannel, storage) as injectable dependencies.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/package/**/*.test.ts'],
    environment: 'node',
    pool: 'threads',
    maxWorkers: 2,
  },
});
