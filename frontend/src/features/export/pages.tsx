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

/** The token rides in the URL's fragment: browsers never send it to a server, so no log or Referer holds it. */
export function ConsigneeRoute() {
  const { hash } = useLocation();
  return <ConsigneePage token={tokenFromHash(hash)} />;
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
