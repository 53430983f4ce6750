import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KNOWN_EVENT_TYPES } from '../../src/realtime/events';

/** The first-column values of every table whose first column is headed "type", in the "Event types" chapter. */
function documentedTypes(markdown: string): Set<string> {
  const chapter = markdown.slice(markdown.indexOf('## Event types'));
  const types = new Set<string>();
  let inTypeTable = false;
  for (const line of chapter.split('\n')) {
    if (!line.startsWith('|')) {
      inTypeTable = false;
      continue;
    }
    const first = line.split('|')[1]?.trim() ?? '';
    if (first === 'type') inTypeTable = true;
    else if (first !== '---' && inTypeTable) {
      const name = /^`([a-z0-9_.:-]+)`$/.exec(first);
      if (name) types.add(name[1]);
    }
  }
  return types;
}

describe('the typed event map', () => {
  it('covers every event type documented in docs/events.md', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../../../../docs/events.md', import.meta.url)), 'utf8');
    const documented = documentedTypes(doc);
    expect(documented.size).toBeGreaterThan(10);
    const missing = [...documented].filter((t) => !(KNOWN_EVENT_TYPES as readonly string[]).includes(t));
    expect(missing).toEqual([]);
  });
});
