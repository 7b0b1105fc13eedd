"""New passwords follow NIST SP 800-63B: long enough, never a common or breached one; and
zxcvbn scores them at least 3 knowing the person's e-mail, name and this product's words."""

from __future__ import annotations

import contextlib

import pytest

from tests.factories import PlanBuilder
from tracker.demo import DEMO_PASSWORD
from tracker.errors import InvalidInput
from tracker.i18n import t
from tracker.services import accounts, auth
from tracker.services.accounts import add_user
from tracker.services.passwords import (
    MAX_LENGTH,
    MIN_SCORE,
    check_new_password,
    common_passwords,
    scored_part,
)
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
                                      "temporary-secret-1"])
def test_long_uncommon_passwords_and_passphrases_are_accepted(password):
    check_new_password(password)


# ---- zxcvbn's scoring, knowing the person and the product (issue 25, item 8) ----------------

WEAK = [  # (password, e-mail, name, why)
    ("mremh@demo.example1", "mremh@demo.example", "Punto focal MREMH", "personal"),
    ("coordinacion2026", "coordinacion@demo.example", "Coordinación", "personal"),
    ("Coordinación2026!", "coordinacion@demo.example", "Coordinación", "personal"),
    ("María José López 1985", "mj@example.org", "María José López", "personal"),
    ("anamaria.lopez1", "ana.maria.lopez@example.org", "Ana María López", "personal"),
    ("passwordpassword", "ana@example.org", "Ana", "repeat"),
    ("administrador", "ana@example.org", "Ana", "product"),
    ("contraseña2026", "ana@example.org", "Ana", "product"),
    ("bienvenido2026", "ana@example.org", "Ana", "product"),
    ("seguimiento2026!", "ana@example.org", "Ana", "product"),
    ("trata de personas 2026", "ana@example.org", "Ana", "product"),
]


@pytest.mark.parametrize(("password", "email", "name", "why"), WEAK,
                         ids=[w[0] for w in WEAK])
def test_passwords_guessed_from_the_person_or_the_product_are_refused_saying_why(
        password, email, name, why):
    with pytest.raises(InvalidInput) as caught:
        check_new_password(password, email, name)
    assert caught.value.key == f"error.password_weak.{why}"


def test_the_published_demo_password_is_refused():
    assert _refused(DEMO_PASSWORD, "ana@example.org") == "error.password_common"
    assert _refused(DEMO_PASSWORD.upper() + "!", "ana@example.org") == "error.password_common"


@pytest.mark.parametrize("password", [
    "correct horse battery staple", "marimba tortuga volcán 77", "tortuga violeta salta lejos",
    "zapato azul nube trece", "río verde mañana 7", "Xq7#mP2$vL9@nR4!",
    "lámpara gris sobre el río Napo", "un búho lee mapas de noche",
    "ventana roja, perro dormido, té frío " * 6])
def test_long_random_passphrases_are_accepted(password):
    check_new_password(password, "ana.maria.lopez@example.org", "Ana María López")


@pytest.mark.parametrize("why", ["personal", "product", "repeat", "sequence", "keyboard", "date",
                                 "common", "words", "guessable"])
def test_each_reason_is_said_in_both_languages_never_in_zxcvbns_english(why):
    spanish, english = (t(f"error.password_weak.{why}", lang) for lang in ("es", "en"))
    assert spanish.startswith("Esta contraseña es demasiado fácil de adivinar")
    assert english.startswith("This password is too easy to guess")
    assert not any(word in spanish for word in ("guess", "Avoid", "Repeats", "Sequences"))


def test_scoring_a_password_of_the_longest_length_is_bounded_in_time():
    """zxcvbn's l33t matching tries every combination of substitutions: 20 distinct l33t
    characters took 9 s whatever the length; a prefix is scored."""
    import time

    l33t = "!$%(+0123456789<@[{|"
    hostile = [(l33t * 13)[:MAX_LENGTH], ("p4$$w0rd" * 40)[:MAX_LENGTH],
               ("19851985" * 40)[:MAX_LENGTH], "".join(reversed(l33t * 13))[:MAX_LENGTH]]
    check_new_password("warm the word lists up 77")
    for password in hostile:
        assert len(scored_part(password)) <= 64
        started = time.perf_counter()
        with contextlib.suppress(InvalidInput):
            check_new_password(password, "ana@example.org", "Ana")
        assert time.perf_counter() - started < 0.5, password[:20]


def test_the_minimum_score_is_zxcvbns_safely_unguessable():
    assert MIN_SCORE == 3


def test_every_place_a_password_is_chosen_knows_the_email_and_the_name(session):
    plan = PlanBuilder(session, last="2027-Q2")
    plan.institution("A")
    session.flush()
    with pytest.raises(InvalidInput) as caught:  # account creation (form, CLI, hand-over)
        add_user(session, SYSTEM, email="mremh@demo.example", display_name="Punto focal MREMH",
                 role="observer", password="mremh@demo.example1", plans=[plan.plan])
    assert caught.value.key == "error.password_weak.personal"
    with pytest.raises(InvalidInput) as caught:  # the name too
        add_user(session, SYSTEM, email="zoe@example.org", display_name="Zoe Quishpe Andrango",
                 role="observer", password="QuishpeAndrango!!", plans=[plan.plan])
    assert caught.value.key == "error.password_weak.personal"
    user = add_user(session, SYSTEM, email="zoe@example.org", display_name="Zoe Quishpe Andrango",
                    role="observer", password="correct horse battery", plans=[plan.plan])
    with pytest.raises(InvalidInput) as caught:  # an administrator's reset
        accounts.reset_password(session, SYSTEM, user.id, "zoe@example.org2026")
    assert caught.value.key == "error.password_weak.personal"
    with pytest.raises(InvalidInput) as caught:  # my account, and the forced first change
        accounts.change_own_password(session, actor_for(session, user), "correct horse battery",
                                     "Quishpe Andrango 1990")
    assert caught.value.key == "error.password_weak.personal"
    with pytest.raises(InvalidInput) as caught:
        accounts.hand_over(session, SYSTEM, user.id, email="coordinacion@example.org",
                           display_name="Nueva coordinación", password="coordinacion2026")
    assert caught.value.key == "error.password_weak.personal"


def test_the_command_line_refuses_a_password_built_on_the_email(cli):
    code, _, err = cli("user", "add", "coordinacion@example.org", "--name", "Coordinación",
                       "--role", "observer", "--password-stdin", stdin="coordinacion2026\n")
    assert code == 2 and "your e-mail address or your name" in err


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
