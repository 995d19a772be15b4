/** Route components of the export desk (mounted by app/router.tsx). */
import { useParams } from 'react-router';
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

export function ConsigneeRoute() {
  const { token } = useParams();
  return <ConsigneePage token={token ?? ''} />;
}
