/**
 * The live connection: reconnects with back-off, resumes from the last sequence number, sends heartbeats,
 * measures the server clock's offset, and resends an unanswered bid with the same client id until the
 * server answers (the server never counts it twice).
 */
type Json = Record<string, unknown>;
export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting';

export interface SocketHandlers {
  onMessage: (msg: Json) => void;
  onStatus: (status: ConnectionStatus) => void;
}

const HEARTBEAT_MS = 15_000;
const DEAD_AFTER_MS = 40_000;

export function newClientId(): string {
  const rnd = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `web-${rnd}`.slice(0, 64);
}

export class AuctionSocket {
  offsetMs = 0;
  private ws: WebSocket | null = null;
  private lastSeq: number | null = null;
  private pending = new Map<string, { message: Json; resolve: (r: Json) => void }>();
  private heard = Date.now();
  private timer: ReturnType<typeof setInterval> | null = null;
  private attempts = 0;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly lotId: number,
    private readonly handlers: SocketHandlers,
  ) {}

  start(): void {
    this.closed = false;
    this.open('connecting');
    this.timer = setInterval(() => this.tick(), 1_000);
  }

  stop(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.ws?.close(1000, 'bye');
  }

  /** Sends a bid-like message; resolves with the committed answer (resent across reconnects). */
  request(message: Json): Promise<Json> {
    const id = (message.client_bid_id as string | undefined) ?? newClientId();
    const full = { ...message, client_bid_id: id, lot_id: this.lotId };
    return new Promise((resolve) => {
      this.pending.set(id, { message: full, resolve });
      this.send(full);
    });
  }

  /** Auctioneer controls are answered with control_result (not idempotent: sent once). */
  control(message: Json): Promise<Json> {
    return new Promise((resolve) => {
      this.controlWaiters.push(resolve);
      this.send({ ...message, type: 'control', lot_id: this.lotId });
    });
  }

  private controlWaiters: ((r: Json) => void)[] = [];

  private send(message: Json): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private open(status: ConnectionStatus): void {
    this.handlers.onStatus(status);
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.heard = Date.now();
      this.send({ type: 'subscribe', lot_id: this.lotId, ...(this.lastSeq !== null ? { last_seq: this.lastSeq } : {}) });
      for (const p of this.pending.values()) this.send(p.message);
    };
    ws.onmessage = (e) => this.receive(JSON.parse(String(e.data)) as Json);
    ws.onclose = () => {
      if (this.ws !== ws || this.closed) return;
      this.handlers.onStatus('reconnecting');
      const delay = Math.min(10_000, 300 * 2 ** this.attempts++) * (0.5 + Math.random() / 2);
      setTimeout(() => !this.closed && this.open('reconnecting'), delay);
    };
  }

  private receive(msg: Json): void {
    this.heard = Date.now();
    if (typeof msg.server_time === 'number') {
      // A smoothed offset: a single slow message must not throw the countdown off.
      const sample = msg.server_time - Date.now();
      this.offsetMs = this.offsetMs === 0 ? sample : this.offsetMs * 0.8 + sample * 0.2;
    }
    if (msg.type === 'ping') {
      this.send({ type: 'pong' });
      return;
    }
    if (msg.type === 'snapshot' || msg.type === 'replay' || msg.type === 'event') {
      if (msg.lot_id !== this.lotId) return;
      this.lastSeq = Number(msg.seq);
      this.handlers.onStatus('live');
    }
    if (msg.type === 'bid_result' && typeof msg.client_bid_id === 'string') {
      const id = msg.client_bid_id;
      const p = this.pending.get(id);
      if (msg.status === 'unavailable' && p) {
        // Not an answer: the server could decide nothing (an outage). Same id again after its pause.
        setTimeout(() => this.pending.has(id) && this.send(p.message), Number(msg.retry_after_ms) || 2_000);
        return;
      }
      this.pending.delete(msg.client_bid_id);
      p?.resolve(msg);
    }
    if (msg.type === 'control_result' || (msg.type === 'error' && this.controlWaiters.length && !msg.ref)) {
      this.controlWaiters.shift()?.(msg);
    }
    this.handlers.onMessage(msg);
  }

  private tick(): void {
    const silent = Date.now() - this.heard;
    if (silent > DEAD_AFTER_MS) {
      this.ws?.close(4000, 'dead');
      return;
    }
    if (silent > HEARTBEAT_MS) this.send({ type: 'ping', t: Date.now() });
  }
}

export function socketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/ws`;
}
