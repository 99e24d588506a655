import { describe, expect, it } from 'vitest';
import { pollStream } from './sse.server';

async function readUntil(response: Response, predicate: (text: string) => boolean): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!predicate(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  await reader.cancel();
  return text;
}

describe('pollStream', () => {
  it('sends the first value, then only changes, as named events', async () => {
    const values = [1, 1, 2, 2, 3];
    let i = 0;
    const controller = new AbortController();
    const response = pollStream({
      poll: async () => ({ v: values[Math.min(i++, values.length - 1)] }),
      event: 'status',
      intervalMs: 1,
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await readUntil(response, (t) => t.includes('{"v":3}'));
    controller.abort();
    const events = text.split('\n\n').filter((e) => e.startsWith('event:'));
    expect(events).toEqual([
      'event: status\ndata: {"v":1}',
      'event: status\ndata: {"v":2}',
      'event: status\ndata: {"v":3}',
    ]);
  });

  it('without sendInitial, only signals changes after the first value', async () => {
    let n = 0;
    const controller = new AbortController();
    const response = pollStream({
      poll: async () => (n++ < 3 ? 'a' : 'b'),
      event: 'changed',
      sendInitial: false,
      intervalMs: 1,
      signal: controller.signal,
    });
    const text = await readUntil(response, (t) => t.includes('"b"'));
    controller.abort();
    expect(text.match(/event: changed/g)).toHaveLength(1);
    expect(text).not.toContain('"a"');
  });

  it('reports a failing poll as an error event and keeps going', async () => {
    let n = 0;
    const controller = new AbortController();
    const response = pollStream({
      poll: async () => {
        if (n++ === 0) throw new Error('database unreachable');
        return 'ok';
      },
      event: 'status',
      intervalMs: 1,
      signal: controller.signal,
    });
    const text = await readUntil(response, (t) => t.includes('"ok"'));
    controller.abort();
    expect(text).toContain('event: error\ndata: {"message":"database unreachable"}');
    expect(text).toContain('event: status\ndata: "ok"');
  });

  it('stops polling when the client is already gone', async () => {
    const controller = new AbortController();
    controller.abort();
    let polls = 0;
    const response = pollStream({
      poll: async () => ++polls,
      event: 'status',
      intervalMs: 1,
      signal: controller.signal,
    });
    const text = await new Response(response.body).text();
    await new Promise((r) => setTimeout(r, 20));
    expect(polls).toBe(0);
    expect(text).toBe('');
  });

  it('stops polling when the client goes away mid-stream', async () => {
    const controller = new AbortController();
    let polls = 0;
    const response = pollStream({
      poll: async () => ++polls,
      event: 'status',
      intervalMs: 1,
      signal: controller.signal,
    });
    await readUntil(response, (t) => t.includes('data: 3'));
    controller.abort();
    const after = polls;
    await new Promise((r) => setTimeout(r, 30));
    expect(polls - after).toBeLessThanOrEqual(1);
  });

  it('compares the first poll with the baseline the client already has', async () => {
    const controller = new AbortController();
    const response = pollStream({
      poll: async () => 'v2',
      event: 'changed',
      sendInitial: false,
      baseline: 'v1',
      intervalMs: 1,
      signal: controller.signal,
    });
    const text = await readUntil(response, (t) => t.includes('event: changed'));
    controller.abort();
    expect(text).toContain('event: changed\ndata: "v2"');
  });
});
