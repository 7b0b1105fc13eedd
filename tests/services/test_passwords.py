"""New passwords follow NIST SP 800-63B: long enough, never a common or breached one."""

from __future__ import annotations

import pytest

from tests.factories import PlanBuilder
from tracker.demo import DEMO_PASSWORD
from tracker.errors import InvalidInput
from tracker.i18n import t
from tracker.services import accounts, auth
from tracker.services.accounts import add_user
from tracker.services.passwords import check_new_password, common_passwords
from tracker.services.permissions import SYSTEM, actor_for


def _refused(password: str, email: str | None = None) -> str:
    with pytest.raises(InvalidInput) as caught:
        check_new_password(password, email)
    return caught.value.key


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "1234567890", "password12", "elevenchars"])
def test_fewer_than_twelve_characters_are_refused(password):
    assert _refused(password) == "error.password_too_short"


@pytest.mark.parametrize("password", [
    "password1234", "Password2026!", "qwerty123456", "1q2w3e4r5t6y", "iloveyou2026",
    "aaaaaaaaaaaa", "123456789012", "abcdefghijkl", "qwertyuiopas", "0987654321098"])
def test_common_breached_and_sequential_passwords_are_refused(password):
    assert _refused(password) == "error.password_common"


def test_the_list_is_a_package_s_list_not_a_hand_typed_one():
    assert len(common_passwords()) > 20_000
    assert {"123456", "password", "qwerty", "iloveyou"} <= common_passwords()


def test_the_email_is_no_password():
    assert _refused("ana.maria.lopez@example.org", "ana.maria.lopez@example.org") == (
        "error.password_common")


@pytest.mark.parametrize("password", ["correct horse battery", "río verde mañana 7",
                                      "temporary-secret-1", DEMO_PASSWORD])
def test_long_uncommon_passwords_and_passphrases_are_accepted(password):
    check_new_password(password)


def test_every_way_to_set_a_password_applies_the_rules(session):
    plan = PlanBuilder(session, last="2027-Q2")
    plan.institution("A")
    session.flush()
    with pytest.raises(InvalidInput) as caught:
        add_user(session, SYSTEM, email="ana@example.org", display_name="Ana", role="observer",
                 password="password1234", plans=[plan.plan])
    assert caught.value.key == "error.password_common"
    user = add_user(session, SYSTEM, email="ana@example.org", display_name="Ana",
                    role="observer", password="correct horse battery", plans=[plan.plan])
    with pytest.raises(InvalidInput) as caught:
        accounts.reset_password(session, SYSTEM, user.id, "qwerty123456")
    assert caught.value.key == "error.password_common"
    with pytest.raises(InvalidInput) as caught:
        accounts.change_own_password(session, actor_for(session, user),
                                     "correct horse battery", "ten chars!")
    assert caught.value.key == "error.password_too_short"
    assert auth.sign_in(session, "ana@example.org", "correct horse battery").id == user.id


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_refusals_are_explained_in_both_languages(lang):
    assert "12" in t("error.password_too_short", lang, minimum=12)
    assert t("error.password_common", lang) != "error.password_common"


def test_the_demo_password_still_opens_demo_accounts_in_demo_mode(session, monkeypatch):
    from tracker.demo import load_demo

    monkeypatch.setenv("TRACKER_DEMO", "1")
    load_demo(session)
    assert auth.sign_in(session, "coordinacion@demo.example", DEMO_PASSWORD).email == (
        "coordinacion@demo.example")
