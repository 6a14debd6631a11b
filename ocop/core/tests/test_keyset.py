"""The keyset pager: every row once and in order, both ways, whatever the directions and NULLs
of the ordering; a bad cursor shows the first page; each page costs the same queries."""

import datetime
from urllib.parse import parse_qs

from django.core import signing
from django.test import RequestFactory, TestCase

from ocop.accounts.models import User
from ocop.accounts.tests.factories import UserFactory
from ocop.core.keyset import make_cursor, paginate_keyset, sort_keys
from ocop.core.models import AuditEvent

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def get(**params):
    return RequestFactory().get("/list/", params)


def follow(query):
    """A request for a link's query string."""
    return get(**{name: values[-1] for name, values in parse_qs(query).items()})


class KeysetPagerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = [UserFactory(), UserFactory()]
        # 23 events with many ties in action and time, some without an actor.
        for number in range(23):
            AuditEvent.objects.create(
                created_at=START + datetime.timedelta(hours=number % 4),
                actor=None if number % 5 == 0 else cls.users[number % 2],
                action=f"thing.{'abc'[number % 3]}",
                object_type="test",
                object_id=str(number),
                previous_hash="",
                hash=f"{number:064d}",
            )
        cls.events = list(AuditEvent.objects.all())

    def expected(self, ordering):
        rows = self.events
        # Sort by the least significant key first (Python's sort is stable); NULL is the
        # greatest value in either direction.
        for item in reversed(ordering):
            name = item.removeprefix("-")
            rows = sorted(
                rows,
                key=lambda row, name=name: (getattr(row, name) is None, getattr(row, name)),
                reverse=item.startswith("-"),
            )
        return [row.pk for row in rows]

    def walk(self, ordering, *, per_page):
        queryset = AuditEvent.objects.all()
        forward, request = [], get()
        while True:
            page = paginate_keyset(request, queryset, ordering, per_page=per_page)
            forward.extend(row.pk for row in page)
            assert len(page.object_list) <= per_page
            if not page.has_next:
                break
            request = follow(page.next_query)
        backward, request = [], get(page="last")
        while True:
            page = paginate_keyset(request, queryset, ordering, per_page=per_page)
            backward[:0] = [row.pk for row in page]
            if not page.has_previous:
                break
            request = follow(page.previous_query)
        return forward, backward

    def test_walking_forward_and_backward_gives_every_row_once_in_order(self):
        for ordering in (
            ["-created_at", "-id"],
            ["action", "-created_at", "id"],
            ["-action", "created_at", "-id"],
            ["actor", "-created_at", "id"],  # a nullable column: no actor last
        ):
            expected = self.expected([item.replace("actor", "actor_id") for item in ordering])
            for per_page in (1, 5, 7, 23, 30):
                with self.subTest(ordering=ordering, per_page=per_page):
                    forward, backward = self.walk(ordering, per_page=per_page)
                    assert forward == expected
                    assert backward == expected

    def test_descending_nullable_column_puts_null_first(self):
        forward, backward = self.walk(["-actor", "id"], per_page=4)
        nulls = sorted(event.pk for event in self.events if event.actor_id is None)
        assert forward[: len(nulls)] == nulls
        assert forward == backward
        assert sorted(forward) == sorted(event.pk for event in self.events)

    def test_the_links_keep_the_other_parameters(self):
        page = paginate_keyset(
            get(q="tea", page="1"), AuditEvent.objects.all(), ["-id"], per_page=5
        )
        assert page.first_query == "q=tea"
        assert page.last_query == "q=tea&page=last"
        assert page.next_query.startswith("q=tea&cursor=")
        assert not page.has_previous and page.previous_query == ""

    def test_a_bad_cursor_shows_the_first_page(self):
        ordering = ["-created_at", "-id"]
        keys = sort_keys(AuditEvent, ordering)
        first = [row.pk for row in paginate_keyset(get(), AuditEvent.objects.all(), ordering)]
        good = make_cursor(keys, self.events[3], "n")
        other_ordering = make_cursor(sort_keys(AuditEvent, ["id"]), self.events[3], "n")
        other_model = make_cursor(sort_keys(User, ["-date_joined", "-id"]), self.users[0], "n")
        salt = "ocop.core.keyset:core.auditevent:-created_at,-id"
        wrong_type = signing.dumps({"d": "n", "v": ["yesterday", 3]}, salt=salt, compress=True)
        wrong_length = signing.dumps({"d": "n", "v": [3]}, salt=salt, compress=True)
        null_in_required = signing.dumps({"d": "n", "v": [None, 3]}, salt=salt, compress=True)
        bad_direction = signing.dumps({"d": "x", "v": [None, 3]}, salt=salt, compress=True)
        nested = signing.dumps({"d": "n", "v": [{"a": 1}, [3]]}, salt=salt, compress=True)
        for cursor in (
            good[:-3] + "abc",
            good + "x",
            "",
            "garbage",
            "a" * 5000,
            "\x00",
            other_ordering,
            other_model,
            wrong_type,
            wrong_length,
            null_in_required,
            bad_direction,
            nested,
        ):
            with self.subTest(cursor=cursor[:40]):
                page = paginate_keyset(get(cursor=cursor), AuditEvent.objects.all(), ordering)
                assert [row.pk for row in page] == first
                assert not page.has_previous

    def test_older_page_numbers_still_reach_their_rows(self):
        ordering = ["-created_at", "-id"]
        expected = self.expected(["-created_at", "-id"])
        queryset = AuditEvent.objects.all()
        page = paginate_keyset(get(page="2"), queryset, ordering, per_page=5)
        assert [row.pk for row in page] == expected[5:10]
        assert page.has_previous and page.has_next
        # Its links are keyset links again.
        page = paginate_keyset(follow(page.next_query), queryset, ordering, per_page=5)
        assert [row.pk for row in page] == expected[10:15]
        # Past the end: the last page; not a number: the first page.
        page = paginate_keyset(get(page="99"), queryset, ordering, per_page=5)
        assert [row.pk for row in page] == expected[-5:]
        assert not page.has_next
        for value in ("abc", "-3", "0", "1", "9" * 30):
            with self.subTest(page=value):
                page = paginate_keyset(get(page=value), queryset, ordering, per_page=5)
                assert [row.pk for row in page] == expected[:5]

    def test_the_count_is_counted_given_or_skipped(self):
        queryset = AuditEvent.objects.all()
        assert paginate_keyset(get(), queryset, ["id"]).count == 23
        assert paginate_keyset(get(), queryset, ["id"], count=99).count == 99
        assert paginate_keyset(get(), queryset, ["id"], count=lambda: 7).count == 7
        assert paginate_keyset(get(), queryset, ["id"], count=None).count is None

    def test_every_page_costs_one_query_and_the_count(self):
        queryset = AuditEvent.objects.all()
        ordering = ["action", "-created_at", "id"]
        first = paginate_keyset(get(), queryset, ordering, per_page=5)
        middle = paginate_keyset(follow(first.next_query), queryset, ordering, per_page=5)
        for request in (
            get(),
            get(page="last"),
            follow(first.next_query),
            follow(middle.previous_query),
        ):
            # 1 the rows of the page (one more than a page), 2 the count
            with self.assertNumQueries(2):
                paginate_keyset(request, queryset, ordering, per_page=5)
            # 1 the rows of the page
            with self.assertNumQueries(1):
                paginate_keyset(request, queryset, ordering, per_page=5, count=None)

    def test_an_ordering_without_a_unique_last_field_is_refused(self):
        for ordering in ([], ["action"], ["-created_at", "action"], ["actor"], ["nope", "id"]):
            with self.subTest(ordering=ordering), self.assertRaises(ValueError):
                sort_keys(AuditEvent, ordering)

    def test_a_link_to_rows_deleted_since_shows_the_first_or_last_page(self):
        queryset = AuditEvent.objects.all()
        ordering = ["-created_at", "-id"]
        expected = self.expected(ordering)
        second = paginate_keyset(get(page="2"), queryset, ordering, per_page=5)
        before_last = paginate_keyset(get(page="4"), queryset, ordering, per_page=5)
        AuditEvent.objects.filter(pk__in=expected[:5] + expected[20:]).delete()
        page = paginate_keyset(follow(second.previous_query), queryset, ordering, per_page=5)
        assert [row.pk for row in page] == expected[5:10]
        assert not page.has_previous
        page = paginate_keyset(follow(before_last.next_query), queryset, ordering, per_page=5)
        assert [row.pk for row in page] == expected[15:20]
        assert not page.has_next
