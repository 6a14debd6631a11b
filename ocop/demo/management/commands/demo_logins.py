from django.core.management.base import BaseCommand

from ocop.accounts.models import Membership, User
from ocop.demo.evaluation import COUNCIL_ROLE
from ocop.demo.seed import DEMO_PASSWORD, read_data
from ocop.evaluations.models import CouncilMember
from ocop.producers.models import ProducerMember

ROLE_LABELS = {
    "superuser": "system administrator",
    "central_office": "central OCOP office",
    "province_office": "provincial OCOP office",
    "commune_officer": "commune officer",
    "producer_member": "producer member",
}
# Council seats: the data file's "scope" of a council member is the seat's role.
COUNCIL_ROLE_LABELS = {
    CouncilMember.Role.CHAIR: "council chair",
    CouncilMember.Role.SECRETARY: "council secretary",
    CouncilMember.Role.MEMBER: "council member",
    CouncilMember.Role.ADVISER: "council adviser (does not score)",
}


def role_label(row) -> str:
    if row["role"] == COUNCIL_ROLE:
        return COUNCIL_ROLE_LABELS[row["scope"]]
    return ROLE_LABELS[row["role"]]


class Command(BaseCommand):
    help = "Print the address of the site and the demo accounts created by `seed_demo`."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        rows = [("username", "password", "role", "scope")]
        missing = False
        for row in read_data()["users"]:
            user = User.objects.filter(username=row["username"]).first()
            if user is None:
                missing = True
                scope = "(not created: run `manage.py seed_demo`)"
            else:
                scope = self._scope(user, row["role"])
            rows.append((row["username"], DEMO_PASSWORD, role_label(row), scope))

        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("")
        self.stdout.write(f"OCOP platform: http://{host}:{port}/")
        self.stdout.write("Demo accounts (demonstration data only; shared password):")
        for index, row in enumerate(rows):
            cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in [*widths, 5]))
        if missing:
            self.stdout.write("Some demo accounts are missing: run `manage.py seed_demo`.")
        self.stdout.write(
            "Offices, council chairs and secretaries and the administrator set up two-factor "
            "authentication at their first login: scan the QR code with an authenticator app "
            "(or type its key), then keep the recovery codes."
        )
        self.stdout.write("")

    def _scope(self, user, role):
        if role == "superuser":
            return "everything (Django admin at /admin/)"
        if role == "producer_member":
            names = ProducerMember.objects.filter(user=user).values_list(
                "producer__name", flat=True
            )
            return ", ".join(names) or "(no producer)"
        if role == COUNCIL_ROLE:
            seats = CouncilMember.objects.filter(user=user).select_related(
                "council__round__province"
            )
            return (
                "; ".join(
                    f"council of {seat.council.round.province or 'the central round'}, "
                    f"{seat.council.round.name}"
                    for seat in seats
                )
                or "(no council seat: run `manage.py seed_demo`)"
            )
        parts = []
        for membership in Membership.objects.filter(user=user).select_related(
            "province", "commune__province"
        ):
            if membership.commune:
                commune = membership.commune
                parts.append(f"{commune.name} ({commune.code}), {commune.province.name}")
            elif membership.province:
                parts.append(f"{membership.province.name} ({membership.province.code})")
            else:
                parts.append("all provinces")
        return "; ".join(parts) or "(no role)"
