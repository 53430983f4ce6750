import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KNOWN_EVENT_TYPES } from '../../src/realtime/events';

describe('the typed event map', () => {
  it('covers every event type documented in docs/events.md', () => {
    const text = readFileSync(fileURLToPath(new URL('../../../../../docs/events.md', import.meta.url)), 'utf8');
    // Table rows whose first cell is a `type`, in the "Event types" chapter.
    const doc = text.slice(text.indexOf('## Event types'));
    const documented = new Set([...doc.matchAll(/^\| `([a-z0-9_.:-]+)` \|/gm)].map((m) => m[1]));
    expect(documented.size).toBeGreaterThan(10);
    const missing = [...documented].filter((t) => !(KNOWN_EVENT_TYPES as readonly string[]).includes(t));
    expect(missing).toEqual([]);
  });
});
