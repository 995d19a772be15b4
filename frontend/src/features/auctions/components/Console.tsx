import { useState, type FormEvent } from 'react';
import { MoneyInput } from '../../../components/money-input';
import { useMoney } from '../../../hooks/use-money';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { parseMoney } from '../../../lib/money-input';
import { useLotRoom } from '../hooks/useLotRoom';
import { DecisionPanel, SaleResult } from './Decision';
import { ConnectionBadge, LotPanel, reasonText } from './LotPanel';

type Json = Record<string, unknown>;

/** A control's result in words: the label of the button that sent it ("hammer" → "Hammer (sold)"). */
export function actionLabel(msg: Json): MessageKey {
  switch (msg.action) {
    case 'warn':
      return msg.level === 2 ? 'auctions.warn2' : 'auctions.warn1';
    case 'floor_bid':
      return 'auctions.floorBid';
    case 'retract':
      return 'auctions.retract';
    case 'open':
    case 'pause':
    case 'resume':
    case 'hammer':
    case 'pass':
      return `auctions.ctl.${msg.action}`;
    default:
      return 'auctions.consoleOther';
  }
}

/** The auctioneer's console for a live lot: open, warnings, pause/resume, hammer, pass, floor bids, retract. */
export function Console({ lotId }: { lotId: number }) {
  const { t } = useI18n();
  const { moneyExact } = useMoney();
  const { room, status, control, offsetMs } = useLotRoom(lotId);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [paddle, setPaddle] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');

  async function act(msg: Json) {
    const r = await control(msg);
    const ok = r.status === 'accepted';
    setResult({
      ok,
      text: ok
        ? t('auctions.consoleDone', { action: t(actionLabel(msg)) })
        : reasonText(t, String(r.reason ?? r.code), moneyExact(Number(r.next_minimum ?? 0))),
    });
  }
  const button = (action: string, label: MessageKey, extra: Json = {}, cls = 'btn btn-secondary') => (
    <button type="button" className={cls} data-testid={`ctl-${action}${extra.level ?? ''}`} onClick={() => void act({ action, ...extra })}>
      {t(label)}
    </button>
  );
  const floor = (e: FormEvent) => {
    e.preventDefault();
    const fen = parseMoney(amount, 'wan');
    if (fen === undefined) return setResult({ ok: false, text: t('auctions.amountWan') });
    void act({ action: 'floor_bid', paddle, amount: fen });
  };
  const retract = (e: FormEvent) => {
    e.preventDefault();
    void act({ action: 'retract', reason });
  };

  return (
    <div className="console">
      <h1>{t('auctions.console')}</h1>
      <ConnectionBadge status={status} />
      <LotPanel room={room} offsetMs={offsetMs} />
      {room.lot && (room.lot.status === 'conditional' || room.lot.status === 'countered') && (
        <DecisionPanel lot={room.lot} offsetMs={offsetMs} />
      )}
      {room.lot && room.lot.status === 'sold' && <SaleResult lot={room.lot} />}
      <div className="card row-actions">
        {button('open', 'auctions.ctl.open', {}, 'btn btn-primary')}
        {button('warn', 'auctions.warn1', { level: 1 })}
        {button('warn', 'auctions.warn2', { level: 2 })}
        {button('pause', 'auctions.ctl.pause')}
        {button('resume', 'auctions.ctl.resume')}
        {button('hammer', 'auctions.ctl.hammer', {}, 'btn btn-danger')}
        {button('pass', 'auctions.ctl.pass')}
      </div>
      <form className="card inline-form" onSubmit={floor}>
        <label className="field">
          <span>{t('auctions.floorPaddle')}</span>
          <input value={paddle} onChange={(e) => setPaddle(e.target.value)} inputMode="numeric" />
        </label>
        <MoneyInput label={t('auctions.customAmount')} unit="wan" value={amount} onValueChange={setAmount} data-testid="floor-amount" />
        <button type="submit" className="btn btn-secondary">
          {t('auctions.floorBid')}
        </button>
      </form>
      <form className="card inline-form" onSubmit={retract}>
        <label className="field">
          <span>{t('auctions.retractReason')}</span>
          <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="retract-reason" />
        </label>
        <button type="submit" className="btn btn-danger-outline">
          {t('auctions.retract')}
        </button>
      </form>
      {result && (
        <p className={result.ok ? 'alert alert-success' : 'alert alert-error'} role="alert" data-testid="console-result">
          {result.text}
        </p>
      )}
    </div>
  );
}
