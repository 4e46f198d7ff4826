"""The reviews section of the case page: one read when the daily job created the rows; a row the job has
not created yet is created on the spot (REV-1: the list never waits for the job); the page's review
status reuses the rows read."""

import datetime

from django.urls import reverse
from django.utils import timezone

from catalog import periods
from reviews import selectors, services
from reviews.models import Review
from web.reviews import case_sections
from web.sections import CasePage

D = datetime.date
ON = D(2026, 11, 20)


def test_rows_already_created_cost_one_query_and_status_reads_no_more(
    make_case, fm, django_assert_num_queries
):
    case = make_case(D(2024, 11, 1))
    services.reviews_ensure_for_case(case=case, today=ON)  # what the daily job does
    with django_assert_num_queries(1):
        [section] = case_sections.sections(CasePage(case=case, user=fm, today=ON))
    assert [item["review"].month for item in section.context["items"]] == [6, 12, 18, 24]
    with django_assert_num_queries(0):
        next_due, continuation = selectors.case_review_status(case=case, today=ON)
    # REV-7: 6, 12 and 18 were missed; the one open review is the 24-month review that fell due last.
    assert next_due == D(2026, 11, 1) and continuation == "approval_required"
    assert [item["review"].state for item in section.context["items"]] == ["missed"] * 3 + ["due"]


def test_missing_rows_are_created_and_shown(make_case, fm, django_assert_num_queries):
    # DOMAIN REV-1: the case page never waits for the daily job.
    case = make_case(D(2024, 11, 1))
    services.reviews_ensure_for_case(case=case, today=ON)
    Review.objects.filter(case=case, month=24).delete()  # e.g. the job has not run since the 24 months
    # read, savepoint + insert + mark the predecessors missed (REV-7) + release, read again
    with django_assert_num_queries(6):
        [section] = case_sections.sections(CasePage(case=case, user=fm, today=ON))
    assert [item["review"].month for item in section.context["items"]] == [6, 12, 18, 24]
    assert sorted(Review.objects.filter(case=case).values_list("month", flat=True)) == [6, 12, 18, 24]
    with django_assert_num_queries(0):
        assert selectors.case_review_status(case=case, today=ON)[1] == "approval_required"


def test_case_page_of_a_case_without_rows_shows_them(client, make_case, fm):
    case = make_case(timezone.localdate() - datetime.timedelta(days=400))  # the page's day
    assert not Review.objects.filter(case=case).exists()
    client.force_login(fm)
    response = client.get(reverse("case-detail", args=[case.pk]))
    assert response.status_code == 200
    assert sorted(Review.objects.filter(case=case).values_list("month", flat=True)) == [6, 12]
    assert "Fortführungsprüfungen" in response.content.decode()


def test_months_due_agree_with_the_daily_jobs_sql(make_case):
    # Month-end admissions clamp the same way in Python and in PostgreSQL (31 Aug + 6 months = 28 Feb).
    for admitted in (D(2024, 8, 31), D(2024, 2, 29), D(2025, 5, 20)):
        case = make_case(admitted)
        for day in (D(2025, 2, 27), D(2025, 2, 28), D(2025, 8, 30), D(2025, 8, 31), ON):
            services.reviews_ensure_for_case(case=case, today=day)
            rows = list(Review.objects.filter(case=case))
            assert sorted(r.month for r in rows) == periods.review_months_due(admitted, day)
            assert not selectors.case_review_rows_missing(case=case, reviews=rows, today=day)
