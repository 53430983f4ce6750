import { describe, expect, it } from 'vitest';
import { pageViewReferrer, visitorId } from '../../src/react/pageViews';

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

describe('pageViewReferrer', () => {
  it('reports where the browser came from on the first view only', () => {
    expect(pageViewReferrer(null, 'https://news.example/item?id=1')).toBe('https://news.example/item?id=1');
    expect(pageViewReferrer('https://app.example/chat', 'https://news.example/item?id=1')).toBe('https://app.example/chat');
  });

  it('reports nothing for a direct visit or a referrer that is not http(s)', () => {
    expect(pageViewReferrer(null, '')).toBeNull();
    expect(pageViewReferrer(null, 'android-app://com.example')).toBeNull();
  });
});
