"""The password policy, enforced in the domain whatever the form does."""
from __future__ import annotations

from datetime import date

import pytest

from portal.domain.errors import DomainError
from portal.domain.passwords import check_password, common_passwords
from portal.domain.validators import make_iin

IIN = make_iin(date(1991, 3, 8), "F", 777)


@pytest.mark.parametrize("password,code", [
    ("1234567", "password_short"),
    ("a" * 129, "password_long"),
    (IIN, "password_is_iin"),
    ("iloveyou", "password_common"),
    ("Sunshine", "password_common"),
])
def test_refusals_name_the_rule(password, code):
    with pytest.raises(DomainError) as err:
        check_password(password, iin=IIN)
    assert err.value.code == code


def test_the_list_is_the_packages_not_ours():
    common = common_passwords()
    assert len(common) > 20000 and {"123456", "password", "qwerty"} <= common


@pytest.mark.parametrize("password", ["a" * 128, "long-enough-1", "citizen-demo-2026", "көктемгі жаңбыр"])
def test_good_passwords_pass(password):
    check_password(password, iin=IIN)


def test_every_demo_account_meets_the_policy():
    from portal import demo
    for account in demo.ACCOUNTS:
        check_password(account.password, iin=account.iin)
