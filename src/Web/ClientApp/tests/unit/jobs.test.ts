import { describe, expect, it } from 'vitest';
import { applyCompletion, applyProgress, type JobProgressState } from '../../src/react/hooks';

const queued: JobProgressState = { percent: 0, message: null, status: 'queued', result: null, error: null };

describe('job state', () => {
  it('progress moves forward only', () => {
    const a = applyProgress(queued, { jobId: 'j', percent: 40, message: 'a' });
    expect(a).toMatchObject({ percent: 40, message: 'a', status: 'running' });
    expect(applyProgress(a, { jobId: 'j', percent: 30, message: 'late' })).toBe(a);
  });

  it('nothing moves a finished job', () => {
    const done = applyCompletion(queued, { jobId: 'j', status: 'succeeded', result: { imported: 3 }, error: null });
    expect(done).toMatchObject({ percent: 100, status: 'succeeded', result: { imported: 3 } });
    expect(applyProgress(done, { jobId: 'j', percent: 100, message: 'x' })).toBe(done);
  });

  it('a failure keeps the percentage reached and the error', () => {
    const running = applyProgress(queued, { jobId: 'j', percent: 40, message: null });
    expect(applyCompletion(running, { jobId: 'j', status: 'failed', result: null, error: 'Item 3 failed' })).toMatchObject({ percent: 40, status: 'failed', error: 'Item 3 failed' });
  });

  it('a failure carries the exact percentage reached, which throttled progress may not have shown', () => {
    expect(applyCompletion(queued, { jobId: 'j', status: 'failed', percent: 10, result: null, error: 'x' }).percent).toBe(10);
  });

  it("reads the seed helper's details as the result", () => {
    expect(applyCompletion(queued, { jobId: 'j', status: 'succeeded', details: { rows: 2 } }).result).toEqual({ rows: 2 });
  });
});
