"""Wires the auctions package into the platform's services: jobs, the live hub, the closing sweeper, payments."""

from __future__ import annotations

from marketplace.services import Services


def install(services: Services) -> None:
    from auctions.jobs import close_lot, proxy_cancelled, second_chance_offer
    from auctions.services.bidding import NOTICE_TOPIC
    from auctions.services.live import Hub
    from auctions.services.second_chance import SALE_DEFAULTED
    from auctions.sweeper import Sweeper
    from marketplace.ports import mail
    from marketplace.ports.payments import offline

    hub = Hub(services.bus)
    services.__dict__["auction_hub"] = hub
    if services.payments is None:
        services.payments = offline.select()
    services.registry.register("auctions.close_lot", close_lot(services))
    services.registry.register("auctions.proxy_cancelled", proxy_cancelled(mail.select(services.settings)))
    services.subscriptions.setdefault(NOTICE_TOPIC, []).append("auctions.proxy_cancelled")
    services.registry.register("auctions.offer_second_chance", second_chance_offer)
    services.subscriptions.setdefault(SALE_DEFAULTED, []).append("auctions.offer_second_chance")
    services.loops.append(hub)
    services.loops.append(Sweeper(services))
    if services.settings.profile == "embedded":
        from auctions.demo import DemoBidders

        services.loops.append(DemoBidders(services))  # idle unless `marketplace demo` created the demo session
