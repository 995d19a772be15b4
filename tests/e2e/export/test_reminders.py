"""The reminder sweeper: each deadline is reminded once (in-app and by mail); a second sweep posts nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from export.models import Reminder
from export.services import reminders
from marketplace.outbox.models import OutboxEvent
from tests.support import ApiClient, Mailbox
from tests.support_export import make_exporter, make_filing, make_order

TODAY = date(2026, 12, 2)


async def test_each_deadline_is_reminded_once(client: ApiClient, mailbox: Mailbox) -> None:
    ex = await make_exporter(client, cars=2)
    await make_filing(ex.org, approved_on=TODAY - timedelta(days=350))  # expires within the month
    order = await make_order(client, ex)
    vid = order["vehicles"][0]["id"]
    reg = {"make": "丰田", "model": "凯美瑞", "first_registration": "2022-03-01", "pending_export_on": "2026-10-05"}
    await client.put(f"/api/export/vehicles/{vid}/registration", json=reg)
    r = await client.post(
        f"/api/export/vehicles/{vid}/steps",
        json={
            "step": "transfer_registered",
            "on": "2026-10-05",
            "plate_issued": "2026-10-05",
            "insurance_ends": "2027-10-05",
        },
    )
    assert r.status_code == 201, r.text  # its plate's last day is 3 December: due soon
    mailer = client.app.state.services.mailer
    posted, mailed = await reminders.sweep(mailer, TODAY, datetime.now(UTC))
    assert (posted, mailed) == (2, 2)
    whats = sorted(await Reminder.all().values_list("what", "subject"))
    assert whats == sorted([("filing", f"filing:{(await _expiring(ex.org.id))}"), ("plate", f"vehicle:{vid}")])
    messages = mailbox.messages(ex.admin.login)
    assert len(messages) == 2
    assert any("temporary plate" in m["Subject"] for m in messages)
    events = await OutboxEvent.filter(topic="export.reminder_posted").count()
    assert events == 2
    # again, and from another process: nothing new is posted or mailed
    assert await reminders.sweep(mailer, TODAY, datetime.now(UTC)) == (0, 0)
    assert await client.app.state.services.loops[-1].sweep_once() == (0, 0)
    assert len(mailbox.messages(ex.admin.login)) == 2
    assert await OutboxEvent.filter(topic="export.reminder_posted").count() == 2
    listed = (await client.get(f"/api/export/dealers/{ex.org.id}/reminders")).json()["items"]
    assert {x["what"] for x in listed} == {"filing", "plate"}
    # later sweeps of the same deadlines (now overdue) post nothing either
    assert await reminders.sweep(mailer, date(2027, 1, 1), datetime.now(UTC)) == (0, 0)


async def test_a_renewed_filing_is_not_reminded(client: ApiClient, mailbox: Mailbox) -> None:
    ex = await make_exporter(client, cars=0)
    old = await make_filing(ex.org, approved_on=TODAY - timedelta(days=350))
    renewal = await make_filing(ex.org, approved_on=TODAY, status="pending")
    renewal.renews_id = old.id
    await renewal.save()
    posted, _ = await reminders.sweep(client.app.state.services.mailer, TODAY)
    assert posted == 0


async def _expiring(org_id: int) -> int:
    from export.models import Filing

    f = await Filing.filter(exporter_org_id=org_id).order_by("valid_until").first()
    assert f is not None
    return f.id
