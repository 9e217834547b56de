"""The README tells a newcomer the truth: the two commands and the demo accounts as they are."""
from pathlib import Path

from portal import demo

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_gives_the_two_commands():
    assert "make run" in README and "make test" in README


def test_readme_lists_every_demo_account():
    for account in demo.ACCOUNTS:
        assert f"| {account.iin} | {account.password} |" in README, account


def test_readme_lists_every_demo_eds_password():
    for holder, password in demo.EDS_HOLDERS:
        assert holder.iin in README and f"| {password} |" in README, holder


def test_readme_says_the_registries_are_stand_ins_and_gives_the_demo_child():
    from portal.demo_registry import CHILD_IIN
    assert "**Registries are stand-ins.**" in README and 'source = "stand-in"' in README and CHILD_IIN in README
