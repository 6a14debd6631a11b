"""Each official day off names the Labour Code holiday it belongs to, so that a year's plan
replaces the days the ``holidays`` library computes for that holiday only; provisional rows
(estimated before the plan was announced) are marked. The rows loaded from
ocop/core/data/public_holidays.json get both from the file; a row whose source was changed in
the admin is not marked provisional."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from ocop.core.holidays import holiday_rows

    PublicHoliday = apps.get_model("core", "PublicHoliday")
    for row in holiday_rows():
        PublicHoliday.objects.filter(day=row["day"]).update(occasion=row["occasion"])
        if row["is_provisional"]:
            PublicHoliday.objects.filter(day=row["day"], source=row["source"]).update(
                is_provisional=True
            )


OCCASIONS = [
    ("new_year", "New Year's Day (1 January)"),
    ("tet", "Lunar New Year (Tết)"),
    ("hung_kings", "Hùng Kings' Commemoration Day (10/3 lunar)"),
    ("victory_day", "Victory Day (30 April)"),
    ("labour_day", "International Labour Day (1 May)"),
    ("national_day", "National Day (2 September)"),
    ("other", "other"),
]


class Migration(migrations.Migration):
    dependencies = [("core", "0003_load_public_holidays")]

    operations = [
        migrations.AddField(
            model_name="publicholiday",
            name="is_provisional",
            field=models.BooleanField(
                default=False,
                help_text="Estimated before the Government announced the year's plan. A "
                "year's plan is confirmed once it has a Tết day that is not provisional.",
                verbose_name="provisional",
            ),
        ),
        migrations.AddField(
            model_name="publicholiday",
            name="occasion",
            field=models.CharField(
                choices=OCCASIONS,
                default="other",
                help_text="Days off entered for a holiday in a year (public holiday or day in "
                "lieu) replace the days computed from the Labour Code for it that year; "
                "swapped days and make-up Saturdays are added to them.",
                max_length=20,
                verbose_name="Labour Code holiday",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="publicholiday",
            constraint=models.CheckConstraint(
                condition=models.Q(occasion__in=[value for value, _ in OCCASIONS]),
                name="core_publicholiday_occasion_valid",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
