import { describe, expect, it } from 'vitest';
import { withEngineLock } from './engine-lock.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withEngineLock', () => {
  it('runs tasks on one engine one at a time, in the order they were queued', async () => {
    const engine = {};
    const events: string[] = [];
    const task = (label: string, ms: number) => async () => {
      events.push(`${label} start`);
      await pause(ms);
      events.push(`${label} end`);
      return label;
    };
    const results = await Promise.all([
      withEngineLock(engine, task('a', 20)),
      withEngineLock(engine, task('b', 1)),
      withEngineLock(engine, task('c', 5)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('a failing task rejects its caller and does not block the next task', async () => {
    const engine = {};
    const failing = withEngineLock(engine, async () => {
      throw new Error('kernel failed');
    });
    const next = withEngineLock(engine, async () => 'ran');
    await expect(failing).rejects.toThrow('kernel failed');
    await expect(next).resolves.toBe('ran');
  });

  it('tasks on different engines do not wait for each other', async () => {
    const events: string[] = [];
    await Promise.all([
      withEngineLock({}, async () => {
        await pause(20);
        events.push('slow engine');
      }),
      withEngineLock({}, async () => {
        events.push('fast engine');
      }),
    ]);
    expect(events).toEqual(['fast engine', 'slow engine']);
  });
});
