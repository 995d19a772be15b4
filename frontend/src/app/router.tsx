import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Loading } from '../components/feedback';
import { RequireAdmin, RequireAuth } from './guards';
import { Layout } from './layout/Layout';
import { AccountRoute } from './routes/account';
import {
  AuctionSessionRoute,
  AuctionsRoute,
  ConsignRoute,
  ConsoleRoute,
  HouseSessionsRoute,
  LotRoomRoute,
  MyAuctionsRoute,
  NewAuctionSessionRoute,
} from './routes/auctions';
import { HomeRoute } from './routes/home';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';
import {
  ConfirmContactRoute,
  ConfirmRegistrationRoute,
  ForgotPasswordRoute,
  ResetPasswordRoute,
} from './routes/recovery';
import { RegisterRoute } from './routes/register';
import {
  ConditionRoute,
  DealerOffersRoute,
  EditListingRoute,
  InventoryRoute,
  ListingDetailRoute,
  ListingOffersRoute,
  ListingsSearchRoute,
  MyOffersRoute,
  NewListingRoute,
  SavedSearchesRoute,
  WatchlistRoute,
} from '../features/listings/pages';

// Admin and API docs are rarely visited: load them on demand.
const AdminVerificationRoute = lazy(() => import('./routes/admin-verification'));
const AdminAuditRoute = lazy(() => import('./routes/admin-audit'));
const AdminExportFilingsRoute = lazy(() => import('./routes/admin-export-filings'));
const AdminExportRulesRoute = lazy(() => import('./routes/admin-export-rules'));
const DocsRoute = lazy(() => import('./routes/docs'));
// Statistics pages carry ECharts: load them on demand.
const StatsRoute = lazy(() => import('../features/stats/components/StatsPage').then((m) => ({ default: m.StatsPage })));
// The export desk is a dealer's back office: load it on demand.
const ExportDeskRoute = lazy(() => import('../features/export/pages').then((m) => ({ default: m.ExportDeskRoute })));
const ExportOrderRoute = lazy(() => import('../features/export/pages').then((m) => ({ default: m.ExportOrderRoute })));
const ConsigneeRoute = lazy(() => import('../features/export/pages').then((m) => ({ default: m.ConsigneeRoute })));
const StatsDeskRoute = lazy(() => import('../features/stats/components/DeskPage').then((m) => ({ default: m.DeskPage })));

// Settlement pages are for buyers after a sale and for house staff: load them on demand.
const PurchasesRoute = lazy(() => import('../features/settlement/components/PurchasesPage').then((m) => ({ default: m.PurchasesPage })));
const SettlementDeskRoute = lazy(() =>
  import('../features/settlement/components/DeskPage').then((m) => ({ default: m.SettlementDeskPage })),
);
const SalesRoute = lazy(() => import('../features/settlement/components/SalesPage').then((m) => ({ default: m.SalesPage })));
const AssociationDisputesRoute = lazy(() =>
  import('../features/settlement/components/AssociationDisputesPage').then((m) => ({ default: m.AssociationDisputesPage })),
);
const NoticesRoute = lazy(() => import('../features/settlement/components/NoticesPage').then((m) => ({ default: m.NoticesPage })));
const FeesRoute = lazy(() => import('../features/settlement/components/FeesPage').then((m) => ({ default: m.FeesPage })));

const lazyPage = (node: ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;

/** All routes; the Python app serves index.html for any non-API path. */
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HomeRoute />} />
        <Route path="login" element={<LoginRoute />} />
        <Route path="register" element={<RegisterRoute />} />
        <Route path="register/confirm" element={<ConfirmRegistrationRoute />} />
        <Route path="forgot-password" element={<ForgotPasswordRoute />} />
        <Route path="reset-password" element={<ResetPasswordRoute />} />
        <Route path="account/confirm-contact" element={<ConfirmContactRoute />} />
        <Route
          path="account/invitations"
          element={
            <RequireAuth>
              <AccountRoute />
            </RequireAuth>
          }
        />
        <Route
          path="account"
          element={
            <RequireAuth>
              <AccountRoute />
            </RequireAuth>
          }
        />
        <Route path="admin" element={<Navigate to="/admin/verification" replace />} />
        <Route
          path="admin/verification"
          element={<RequireAdmin>{lazyPage(<AdminVerificationRoute />)}</RequireAdmin>}
        />
        <Route path="admin/audit" element={<RequireAdmin>{lazyPage(<AdminAuditRoute />)}</RequireAdmin>} />
        <Route
          path="admin/export/filings"
          element={<RequireAdmin>{lazyPage(<AdminExportFilingsRoute />)}</RequireAdmin>}
        />
        <Route path="admin/export/rules" element={<RequireAdmin>{lazyPage(<AdminExportRulesRoute />)}</RequireAdmin>} />
        <Route path="docs" element={lazyPage(<DocsRoute />)} />
        <Route path="stats" element={lazyPage(<StatsRoute />)} />
        <Route path="stats/desk" element={<RequireAuth>{lazyPage(<StatsDeskRoute />)}</RequireAuth>} />
        <Route path="auctions" element={<AuctionsRoute />} />
        <Route path="auctions/house" element={<RequireAuth><HouseSessionsRoute /></RequireAuth>} />
        <Route path="auctions/new" element={<RequireAuth><NewAuctionSessionRoute /></RequireAuth>} />
        <Route path="auctions/consign" element={<RequireAuth><ConsignRoute /></RequireAuth>} />
        <Route path="auctions/mine" element={<RequireAuth><MyAuctionsRoute /></RequireAuth>} />
        <Route path="auctions/:id" element={<AuctionSessionRoute />} />
        <Route path="auctions/lots/:id" element={<LotRoomRoute />} />
        <Route path="auctions/lots/:id/console" element={<ConsoleRoute />} />
        <Route path="listings" element={<ListingsSearchRoute />} />
        <Route path="listings/:id" element={<ListingDetailRoute />} />
        <Route path="dealer/inventory" element={<RequireAuth><InventoryRoute /></RequireAuth>} />
        <Route path="dealer/offers" element={<RequireAuth><DealerOffersRoute /></RequireAuth>} />
        <Route path="dealer/listings/new" element={<RequireAuth><NewListingRoute /></RequireAuth>} />
        <Route path="dealer/listings/:id/edit" element={<RequireAuth><EditListingRoute /></RequireAuth>} />
        <Route path="dealer/listings/:id/condition" element={<RequireAuth><ConditionRoute /></RequireAuth>} />
        <Route path="dealer/listings/:id/offers" element={<RequireAuth><ListingOffersRoute /></RequireAuth>} />
        <Route path="export" element={<RequireAuth>{lazyPage(<ExportDeskRoute />)}</RequireAuth>} />
        <Route path="export/orders/:id" element={<RequireAuth>{lazyPage(<ExportOrderRoute />)}</RequireAuth>} />
        <Route path="track" element={lazyPage(<ConsigneeRoute />)} />
        <Route path="me/watchlist" element={<RequireAuth><WatchlistRoute /></RequireAuth>} />
        <Route path="me/searches" element={<RequireAuth><SavedSearchesRoute /></RequireAuth>} />
        <Route path="me/offers" element={<RequireAuth><MyOffersRoute /></RequireAuth>} />
        <Route path="me/purchases" element={<RequireAuth>{lazyPage(<PurchasesRoute />)}</RequireAuth>} />
        <Route path="me/notices" element={<RequireAuth>{lazyPage(<NoticesRoute />)}</RequireAuth>} />
        <Route path="me/sales" element={<RequireAuth>{lazyPage(<SalesRoute />)}</RequireAuth>} />
        <Route path="house/settlement" element={<RequireAuth>{lazyPage(<SettlementDeskRoute />)}</RequireAuth>} />
        <Route path="association/disputes" element={<RequireAuth>{lazyPage(<AssociationDisputesRoute />)}</RequireAuth>} />
        <Route path="house/fees" element={<RequireAuth>{lazyPage(<FeesRoute />)}</RequireAuth>} />
        <Route path="*" element={<NotFoundRoute />} />
      </Route>
    </Routes>
  );
}

export function AppRouter() {
  return (
    <BrowserRouter>
      <AppRoutes />
    </BrowserRouter>
  );
}
