/** Route components of the export desk (mounted by app/router.tsx). */
import { useLocation, useParams } from 'react-router';
import { ConsigneePage } from './components/ConsigneePage';
import { DeskPage } from './components/DeskPage';
import { OrderPage } from './components/OrderPage';
import './export.css';

export function ExportDeskRoute() {
  return <DeskPage />;
}

export function ExportOrderRoute() {
  const { id } = useParams();
  return <OrderPage id={Number(id)} />;
}

/** The token rides in the URL's fragment: browsers never send it to a server, so no log or Referer holds it.
 * Back from Stripe's hosted checkout the address is `/track?card=done&session_id=cs_…` (our success URL, the
 * session's id filled in by Stripe): the page of the order that session paid for, with its payment. */
export function ConsigneeRoute() {
  const { hash, search } = useLocation();
  const back = checkoutReturn(search);
  return <ConsigneePage token={tokenFromHash(hash)} card={back.card} session={back.session} />;
}

/** `?card=done&session_id=cs_…` → where the payer came back from Stripe, and the session's id. */
export function checkoutReturn(search: string): { card: 'done' | 'cancelled' | null; session: string } {
  const q = new URLSearchParams(search);
  const card = q.get('card');
  const session = q.get('session_id') ?? '';
  return { card: card === 'done' || card === 'cancelled' ? card : null, session: session.startsWith('cs_') ? session : '' };
}

/** "#token=abc" (or a bare "#abc") → "abc". */
export function tokenFromHash(hash: string): string {
  const raw = hash.replace(/^#/, '');
  const value = new URLSearchParams(raw).get('token') ?? (raw.includes('=') ? '' : raw);
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
