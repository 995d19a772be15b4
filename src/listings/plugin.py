"""Wires the listings package into the platform's services: jobs, outbox subscriptions, loops, ports."""

from __future__ import annotations

from listings import jobs, vehicles
from listings.domain.catalogue import synonym_groups
from listings.services.indexing import Reconciler
from listings.services.offers import OfferExpirer
from marketplace.ports import mail, search
from marketplace.services import Services

RECONCILE_SECONDS = 60.0


def install(services: Services) -> None:
    index = search.select(services.settings, synonym_groups())
    mailer = mail.select(services.settings)
    services.search = index
    services.vehicles = vehicles  # vehicle facts for settlement's documents
    services.registry.register("listings.index", jobs.index_job(index, mailer))
    services.registry.register("listings.thumbnail", jobs.thumbnail_job(services.files))
    services.subscriptions.setdefault("listing.changed", []).append("listings.index")
    services.subscriptions.setdefault("listing.photo_added", []).append("listings.thumbnail")
    services.loops.append(Reconciler(index, RECONCILE_SECONDS))
    services.loops.append(OfferExpirer())
