import { useParams } from 'react-router';
import { Calendar } from '../../features/auctions/components/Calendar';
import { Catalogue } from '../../features/auctions/components/Catalogue';
import { ConsignPage } from '../../features/auctions/components/ConsignPage';
import { Console } from '../../features/auctions/components/Console';
import { HouseSessions } from '../../features/auctions/components/HouseSessions';
import { LotRoom } from '../../features/auctions/components/LotRoom';
import { MyAuctions } from '../../features/auctions/components/MyAuctions';
import { SessionForm } from '../../features/auctions/components/SessionForm';

export function AuctionsRoute() {
  return <Calendar />;
}

export function AuctionSessionRoute() {
  const { id } = useParams();
  return <Catalogue sessionId={Number(id)} />;
}

export function LotRoomRoute() {
  const { id } = useParams();
  return (
    <div className="page">
      <LotRoom lotId={Number(id)} />
    </div>
  );
}

export function ConsoleRoute() {
  const { id } = useParams();
  return (
    <div className="page">
      <Console lotId={Number(id)} />
    </div>
  );
}

export function HouseSessionsRoute() {
  return <HouseSessions />;
}

export function NewAuctionSessionRoute() {
  return <SessionForm />;
}

export function ConsignRoute() {
  return <ConsignPage />;
}

export function MyAuctionsRoute() {
  return <MyAuctions />;
}
