"""Desk steps belong to the version of the journey they were made for: after a no-show and a rebooking the desk
starts afresh on the new flights. Existing steps are given their booking's current main journey."""

import django.db.models.deletion
from django.db import migrations, models


def fill_itinerary(apps, schema_editor):
    DeskEvent = apps.get_model("movements", "DeskEvent")
    Itinerary = apps.get_model("movements", "Itinerary")
    current = {}
    for row in Itinerary.objects.filter(leg="main", superseded_at__isnull=True).values("booking_id", "pk"):
        current[row["booking_id"]] = row["pk"]
    latest = {}
    for row in Itinerary.objects.filter(leg="main").order_by("version").values("booking_id", "pk"):
        latest[row["booking_id"]] = row["pk"]
    for event in DeskEvent.objects.filter(itinerary__isnull=True):
        itinerary_id = current.get(event.booking_id) or latest.get(event.booking_id)
        if itinerary_id is None:
            # A desk step without any journey cannot be placed: the desk works only on a booked journey.
            itinerary_id = Itinerary.objects.create(
                booking_id=event.booking_id, mission_id=event.mission_id, leg="main", version=1,
                created_by_id=event.by_id, created_at=event.at).pk
            latest[event.booking_id] = itinerary_id
        DeskEvent.objects.filter(pk=event.pk).update(itinerary_id=itinerary_id)


class Migration(migrations.Migration):

    dependencies = [
        ("movements", "0004_airport_day"),
    ]

    operations = [
        migrations.AddField(
            model_name="deskevent",
            name="itinerary",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="desk_events", to="movements.itinerary", verbose_name="journey"),
        ),
        migrations.RunPython(fill_itinerary, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="deskevent",
            name="itinerary",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="desk_events",
                                    to="movements.itinerary", verbose_name="journey"),
        ),
        migrations.RemoveConstraint(model_name="deskevent", name="desk_step_once"),
        migrations.AddConstraint(
            model_name="deskevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("undone_at__isnull", True), models.Q(("step", "undo"), _negated=True)),
                fields=("passenger", "itinerary", "step"), name="desk_step_once_per_journey"),
        ),
    ]
