"""Reading ids from query strings and form data: ASCII digits only, within the database's range.

`"¹".isdigit()` is True but `int("¹")` fails, and an id beyond 2**63 - 1 overflows SQLite's
integer; both used to turn a malformed address into a server error."""

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The positive integer id in `value`, or None when it is not one."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
