"""Reminders are tracked per registration (``Registration.reminded_at``), so a business confirmed
after its event's reminder run (a late registration, a waitlist promotion) is reminded on the
next run. Registrations that already had their event's reminder keep it: they are marked
reminded at the time of that run, so the first run after this migration does not send twice."""

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def mark_already_reminded(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Registration = apps.get_model("events", "Registration")
    run_at = Event.objects.filter(pk=OuterRef("event_id")).values("reminder_sent_at")[:1]
    Registration.objects.filter(
        status="confirmed",
        reminded_at__isnull=True,
        event__reminder_sent_at__isnull=False,
        confirmed_at__lte=F("event__reminder_sent_at"),
    ).update(reminded_at=Subquery(run_at))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="reminded_at",
            field=models.DateTimeField(
                blank=True,
                help_text=(
                    "When the business was sent its reminder (once, while it had a confirmed "
                    "place)."
                ),
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="reminder_sent_at",
            field=models.DateTimeField(
                blank=True,
                help_text=(
                    "When the reminder run first reminded the event's businesses (each "
                    "registration records its own reminder)."
                ),
                null=True,
            ),
        ),
        migrations.RunPython(mark_already_reminded, migrations.RunPython.noop, elidable=True),
    ]
