import { useEffect, useReducer, useRef, useState } from 'react';
import { AuctionSocket, socketUrl, type ConnectionStatus } from '../lib/socket';
import { emptyRoom, reduce, type RoomState } from '../lib/lotState';

type Json = Record<string, unknown>;
const OFFLINE: Json = { status: 'rejected', reason: 'offline' };

/** One lot's live room: state folded from the socket, the connection status and the server clock offset. */
export function useLotRoom(lotId: number) {
  const [room, dispatch] = useReducer((s: RoomState, m: Json) => reduce(s, m), emptyRoom);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [notice, setNotice] = useState<Json | null>(null);
  const socket = useRef<AuctionSocket | null>(null);

  useEffect(() => {
    const s = new AuctionSocket(socketUrl(), lotId, {
      onMessage: (m) => {
        dispatch(m);
        if (m.type === 'error') setNotice(m);
      },
      onStatus: setStatus,
    });
    socket.current = s;
    s.start();
    return () => s.stop();
  }, [lotId]);

  return {
    room,
    status,
    notice,
    offsetMs: () => socket.current?.offsetMs ?? 0,
    request: (m: Json): Promise<Json> => socket.current?.request(m) ?? Promise.resolve(OFFLINE),
    control: (m: Json): Promise<Json> => socket.current?.control(m) ?? Promise.resolve(OFFLINE),
  };
}

/** Re-renders every `ms` so countdowns tick. */
export function useTicker(ms = 250): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}
