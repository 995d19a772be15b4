import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuctionSocket } from './socket';

class FakeSocket {
  static OPEN = 1;
  static last: FakeSocket | null = null;
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(public url: string) {
    FakeSocket.last = this;
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close(): void {}
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  receive(msg: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

describe('AuctionSocket during an outage', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('treats an unavailable bid_result as no answer and sends the same bid again after the pause', async () => {
    const socket = new AuctionSocket('ws://test/ws', 7, { onMessage: () => {}, onStatus: () => {} });
    socket.start();
    const ws = FakeSocket.last!;
    ws.open();
    let answer: Record<string, unknown> | null = null;
    void socket.request({ type: 'bid', amount: 1_250_000 }).then((r) => (answer = r));
    const bid = ws.sent.find((m) => m.type === 'bid')!;
    const id = bid.client_bid_id;

    ws.receive({ type: 'bid_result', lot_id: 7, client_bid_id: id, status: 'unavailable', reason: 'service_unavailable', retry_after_ms: 2000 });
    await Promise.resolve();
    expect(answer).toBeNull(); // not an acknowledgement
    const before = ws.sent.filter((m) => m.type === 'bid').length;
    vi.advanceTimersByTime(2_000);
    const resent = ws.sent.filter((m) => m.type === 'bid');
    expect(resent.length).toBe(before + 1);
    expect(resent.at(-1)).toEqual(bid); // the same client id: the server never counts it twice

    ws.receive({ type: 'bid_result', lot_id: 7, client_bid_id: id, status: 'accepted', reason: null });
    await Promise.resolve();
    expect(answer).toMatchObject({ status: 'accepted' });
    socket.stop();
  });
});
