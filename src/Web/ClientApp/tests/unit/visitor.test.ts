import { describe, expect, it } from 'vitest';
import { visitorId } from '../../src/react/pageViews';

function memory(initial?: string) {
  const data = new Map<string, string>(initial ? [['beacon:visitor', initial]] : []);
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

describe('visitorId', () => {
  it('creates one id and keeps returning it', () => {
    const storage = memory();
    let n = 0;
    const random = () => `id-${++n}`;
    expect(visitorId(storage, random)).toBe('id-1');
    expect(visitorId(storage, random)).toBe('id-1');
    expect(storage.data.get('beacon:visitor')).toBe('id-1');
  });

  it('replaces a stored value the server would refuse', () => {
    for (const bad of ['', 'has space', '<script>', 'x'.repeat(65)]) {
      expect(visitorId(memory(bad), () => 'fresh')).toBe('fresh');
    }
  });

  it('the default generator makes ids the server accepts', () => {
    expect(visitorId(memory())).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});
