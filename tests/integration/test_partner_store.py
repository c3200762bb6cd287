"""Partners and API keys: the same promises on the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from silkpost.bootstrap import Platform
from silkpost.clock import FixedClock
from silkpost.domain.partners import ApiKeyText, PartnerKind, Role
from silkpost.errors import InvalidRequest, SilkpostError
from silkpost.partners import service
from silkpost.partners.errors import (
    InvalidPartner,
    KeyNotFound,
    NotAuthenticated,
    PartnerConflict,
    PartnerNotFound,
)


def _register(p: Platform, code: str = "KAZPOST", *, nodes: tuple[str, ...] = ("KZALAA",),
              services: tuple[str, ...] = ()) -> None:
    service.register_partner(code, "Kazpost JSC", PartnerKind.POST, nodes=nodes,
                             services=services, uow=p.partner_uow(), clock=p.clock,
                             known_nodes=p.known_nodes(), known_services=p.known_services())


def test_a_partner_is_stored_with_its_nodes_and_services(any_platform: Platform) -> None:
    _register(any_platform, "kazpost", nodes=("kzalaa", "KZASTA"), services=("T-HRS-ALA",))
    [partner] = service.list_partners(uow=any_platform.partner_uow())
    assert (partner.code, partner.kind, partner.nodes, partner.services) == (
        "KAZPOST", PartnerKind.POST, ("KZALAA", "KZASTA"), ("T-HRS-ALA",))
    assert partner.created_at == any_platform.clock.now()


def test_a_taken_code_is_a_conflict_and_the_first_partner_stays(any_platform: Platform) -> None:
    _register(any_platform)
    with pytest.raises(PartnerConflict):
        service.register_partner("KAZPOST", "Other", "carrier", uow=any_platform.partner_uow(),
                                 clock=any_platform.clock, known_nodes=set(),
                                 known_services=set())
    assert [p.name for p in service.list_partners(uow=any_platform.partner_uow())] == [
        "Kazpost JSC"]


@pytest.mark.parametrize(("nodes", "services", "field"), [
    (("KZNOWHERE",), (), "node"),
    ((), ("T-NONE",), "service"),
])
def test_nodes_and_services_outside_the_network_are_refused(
    any_platform: Platform, nodes: tuple[str, ...], services: tuple[str, ...], field: str
) -> None:
    with pytest.raises(InvalidPartner) as caught:
        _register(any_platform, nodes=nodes, services=services)
    assert caught.value.field == field
    assert service.list_partners(uow=any_platform.partner_uow()) == []


@pytest.mark.parametrize(("code", "name", "kind", "field"), [
    ("K", "Kazpost", "post", "partner"),
    ("KAZ POST", "Kazpost", "post", "partner"),
    ("KAZPOST", "  ", "post", "name"),
    ("KAZPOST", "Kaz\x1bpost", "post", "name"),
    ("KAZPOST", "Kazpost", "airline", "kind"),
])
def test_malformed_partners_name_the_field(
    any_platform: Platform, code: str, name: str, kind: str, field: str
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        service.register_partner(code, name, kind, uow=any_platform.partner_uow(),
                                 clock=any_platform.clock, known_nodes=set(),
                                 known_services=set())
    assert caught.value.field == field


def test_a_key_is_shown_once_and_only_its_digest_is_stored(any_platform: Platform) -> None:
    _register(any_platform)
    issued = service.issue_key("KAZPOST", "partner", uow=any_platform.partner_uow(),
                               clock=any_platform.clock, label="sorting centre")
    [stored] = service.list_keys(uow=any_platform.partner_uow())
    assert issued.text.startswith(stored.prefix)
    assert issued.text not in repr(stored)
    assert stored.digest == ApiKeyText.parse(issued.text).digest
    assert (stored.partner, stored.role, stored.label) == ("KAZPOST", Role.PARTNER,
                                                           "sorting centre")
    caller = service.authenticate(issued.text, uow=any_platform.partner_uow(),
                                  clock=any_platform.clock)
    assert (caller.partner.code, caller.role, caller.key_id) == (
        "KAZPOST", Role.PARTNER, stored.key_id)


def test_two_keys_are_never_the_same(any_platform: Platform) -> None:
    _register(any_platform)
    texts = {service.issue_key("KAZPOST", "viewer", uow=any_platform.partner_uow(),
                               clock=any_platform.clock).text for _ in range(5)}
    assert len(texts) == 5


def test_keys_are_issued_only_to_known_partners_and_roles(any_platform: Platform) -> None:
    with pytest.raises(PartnerNotFound):
        service.issue_key("NOBODY", "admin", uow=any_platform.partner_uow(),
                          clock=any_platform.clock)
    _register(any_platform)
    with pytest.raises(InvalidPartner) as caught:
        service.issue_key("KAZPOST", "root", uow=any_platform.partner_uow(),
                          clock=any_platform.clock)
    assert caught.value.field == "role"
    with pytest.raises(InvalidPartner) as caught:
        service.issue_key("KAZPOST", "admin", uow=any_platform.partner_uow(),
                          clock=any_platform.clock,
                          expires_at=any_platform.clock.now() - timedelta(seconds=1))
    assert caught.value.field == "expires"
    assert service.list_keys(uow=any_platform.partner_uow()) == []


@pytest.mark.parametrize("presented", [
    None, "", "Bearer", "sp_kzzzzzzzzzzzz_" + "A" * 43, "sp_k000000000000_" + "A" * 43,
])
def test_missing_malformed_and_unknown_keys_are_not_authenticated(
    any_platform: Platform, presented: str | None
) -> None:
    with pytest.raises(NotAuthenticated) as caught:
        service.authenticate(presented, uow=any_platform.partner_uow(), clock=any_platform.clock)
    assert caught.value.field == "authorization"


def test_a_key_with_the_right_id_and_a_wrong_secret_is_refused(any_platform: Platform) -> None:
    _register(any_platform)
    issued = service.issue_key("KAZPOST", "admin", uow=any_platform.partner_uow(),
                               clock=any_platform.clock)
    forged = issued.text[:-1] + ("A" if issued.text[-1] != "A" else "B")
    with pytest.raises(NotAuthenticated, match="not known"):
        service.authenticate(forged, uow=any_platform.partner_uow(), clock=any_platform.clock)


def test_expired_and_revoked_keys_stop_working(any_platform: Platform) -> None:
    clock = any_platform.clock
    assert isinstance(clock, FixedClock)
    _register(any_platform)
    uow = any_platform.partner_uow
    short = service.issue_key("KAZPOST", "partner", uow=uow(), clock=clock,
                              expires_at=clock.now() + timedelta(hours=1))
    other = service.issue_key("KAZPOST", "partner", uow=uow(), clock=clock)
    service.revoke_key(other.key.key_id, uow=uow(), clock=clock)
    with pytest.raises(NotAuthenticated, match="revoked"):
        service.authenticate(other.text, uow=uow(), clock=clock)
    service.authenticate(short.text, uow=uow(), clock=clock)
    clock.moment += timedelta(hours=1)
    with pytest.raises(NotAuthenticated, match="expired"):
        service.authenticate(short.text, uow=uow(), clock=clock)
    again = service.revoke_key(other.key.key_id, uow=uow(), clock=clock)
    assert again.revoked_at == clock.now() - timedelta(hours=1)  # the first revocation stands
    with pytest.raises(KeyNotFound):
        service.revoke_key("k000000000000", uow=uow(), clock=clock)


def test_rotation_overlaps_then_only_the_new_key_works(any_platform: Platform) -> None:
    clock = any_platform.clock
    assert isinstance(clock, FixedClock)
    _register(any_platform)
    uow = any_platform.partner_uow
    old = service.issue_key("KAZPOST", "operator", uow=uow(), clock=clock, label="ALA office")
    new = service.rotate_key(old.key.key_id, uow=uow(), clock=clock, overlap=timedelta(days=2))
    assert (new.key.role, new.key.label) == (Role.OPERATOR, "ALA office")
    for text in (old.text, new.text):
        assert service.authenticate(text, uow=uow(), clock=clock).role is Role.OPERATOR
    clock.moment += timedelta(days=2)
    service.authenticate(new.text, uow=uow(), clock=clock)
    with pytest.raises(NotAuthenticated, match="expired"):
        service.authenticate(old.text, uow=uow(), clock=clock)
    with pytest.raises(InvalidPartner, match="expired"):
        service.rotate_key(old.key.key_id, uow=uow(), clock=clock, overlap=timedelta(0))
    with pytest.raises(InvalidPartner) as caught:
        service.rotate_key(new.key.key_id, uow=uow(), clock=clock, overlap=timedelta(days=365))
    assert caught.value.field == "overlap"


def test_a_failed_issue_leaves_nothing_behind(any_platform: Platform) -> None:
    _register(any_platform)

    def broken_token(_: int) -> str:
        return "too short"

    with pytest.raises(SilkpostError):
        service.issue_key("KAZPOST", "admin", uow=any_platform.partner_uow(),
                          clock=any_platform.clock, token=broken_token)
    assert service.list_keys(uow=any_platform.partner_uow()) == []
