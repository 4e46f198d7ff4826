"""The accessibility check itself must be able to fail: a page with known violations is reported."""

import pytest

pytestmark = pytest.mark.browser

BAD_PAGE = """<!DOCTYPE html><html><head><title>x</title></head><body><main>
<img src="data:,"><input type="text" id="q"><p id="dup">a</p><p id="dup">b</p>
</main></body></html>"""


def test_axe_check_reports_violations_with_id_help_and_target(page, axe_check):
    page.set_content(BAD_PAGE)
    with pytest.raises(pytest.fail.Exception) as failed:
        axe_check(page, "kaputte Seite")
    report = str(failed.value)
    assert "html-has-lang" in report  # no lang on <html>
    assert "image-alt" in report and '["img"]' in report
    assert "label" in report and '["#q"]' in report
    assert "duplicate-id" in report and "#dup" in report


def test_axe_check_passes_a_clean_page(page, axe_check):
    page.set_content(
        '<!DOCTYPE html><html lang="de"><head><title>Gut</title></head><body><main><h1>Gut</h1>'
        '<label for="q">Suche</label><input id="q" type="text"></main></body></html>'
    )
    axe_check(page, "saubere Seite")
    assert axe_check.checked == ["saubere Seite"]
