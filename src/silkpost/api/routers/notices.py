"""Notices endpoints: write, publish and withdraw notices; list them; follow them as Atom."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from silkpost.api.access import ANY_KEY, PUBLIC, WRITE_NOTICES, Forbidden
from silkpost.api.deps import PlatformDep
from silkpost.api.notice_schemas import NoticeIn, NoticeListOut, NoticeOut
from silkpost.api.problems import MEDIA_TYPE as PROBLEM
from silkpost.api.problems import PROBLEM_RESPONSES, Problem
from silkpost.domain.codes import Language
from silkpost.domain.notices import NoticeState
from silkpost.domain.partners import Role
from silkpost.notices import atom
from silkpost.notices.service import (
    create_notice,
    get_notice,
    list_notices,
    publish_notice,
    published_notices,
    withdraw_notice,
)
from silkpost.partners.service import Caller

_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    409: {"model": Problem, "description": "The notice's state forbids the change",
          "content": {PROBLEM: {}}},
}
router = APIRouter(prefix="/api/v1/notices", tags=["notices"], responses=_RESPONSES)
feed_router = APIRouter(tags=["notices"], dependencies=[PUBLIC], responses=PROBLEM_RESPONSES)

Lang = Language
NoticeId = Annotated[str, Path(description="notice id", examples=["N-2026-0001"])]


def _may_speak_for(caller: Caller, nodes: Iterable[str], services: Iterable[str]) -> None:
    """A partner or operator writes notices only about what its partner operates; an admin
    about anything (the whole network included)."""
    if caller.role is Role.ADMIN:
        return
    outside = caller.partner.outside(nodes, services)
    if outside:
        raise Forbidden(f"{caller.partner.code} does not operate {', '.join(outside)}: a "
                        "notice about them is for their operator or an admin", field="nodes")


@router.post("", response_model=NoticeOut, status_code=201)
def post_notice(body: NoticeIn, platform: PlatformDep,
                caller: Annotated[Caller, WRITE_NOTICES]) -> NoticeOut:
    """Write a notice: a draft, or published at once with ``publish: true``; a partner's
    about its own nodes and services only."""
    draft = body.draft()
    _may_speak_for(caller, draft.nodes, draft.services)
    view = create_notice(
        draft, uow=platform.notice_uow(), clock=platform.clock, publish=body.publish,
        known_nodes=platform.known_nodes(), known_services=platform.known_services(),
    )
    return NoticeOut.of(view)


@router.get("", response_model=NoticeListOut, dependencies=[ANY_KEY])
def get_notices(
    platform: PlatformDep,
    state: Annotated[NoticeState | None, Query(description="state now")] = None,
    node: Annotated[str | None, Query(description="node code (network-wide ones included)")]
    = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> NoticeListOut:
    """Notices by state now and by node, most recently created first."""
    views = list_notices(uow=platform.notice_uow(), clock=platform.clock, state=state,
                         node=node, limit=limit)
    return NoticeListOut(items=[NoticeOut.of(v) for v in views])


@router.get("/{notice_id}", response_model=NoticeOut, dependencies=[ANY_KEY])
def get_one(platform: PlatformDep, notice_id: NoticeId) -> NoticeOut:
    """One notice and its state now."""
    return NoticeOut.of(get_notice(notice_id, uow=platform.notice_uow(), clock=platform.clock))


@router.post("/{notice_id}/publish", response_model=NoticeOut)
def post_publish(platform: PlatformDep, notice_id: NoticeId,
                 caller: Annotated[Caller, WRITE_NOTICES]) -> NoticeOut:
    """Publish a draft (again: no change); a withdrawn notice is a 409."""
    notice = get_notice(notice_id, uow=platform.notice_uow(), clock=platform.clock).notice
    _may_speak_for(caller, notice.nodes, notice.services)
    return NoticeOut.of(publish_notice(notice_id, uow=platform.notice_uow(),
                                       clock=platform.clock))


@router.post("/{notice_id}/withdraw", response_model=NoticeOut)
def post_withdraw(platform: PlatformDep, notice_id: NoticeId,
                  caller: Annotated[Caller, WRITE_NOTICES]) -> NoticeOut:
    """Withdraw a notice now: it leaves lists of active notices and the feed."""
    notice = get_notice(notice_id, uow=platform.notice_uow(), clock=platform.clock).notice
    _may_speak_for(caller, notice.nodes, notice.services)
    return NoticeOut.of(withdraw_notice(notice_id, uow=platform.notice_uow(),
                                        clock=platform.clock))


@feed_router.get(
    "/notices.atom", response_class=Response,
    responses={200: {"content": {atom.MEDIA_TYPE: {}}, "description": "Atom 1.0 feed"}},
)
def get_feed(platform: PlatformDep, lang: Lang = Language.EN) -> Response:
    """Published notices that were not withdrawn, as an Atom feed in ``lang``; its links are
    on SILKPOST_PUBLIC_URL, never on the Host header a client sends."""
    views = published_notices(uow=platform.notice_uow(), clock=platform.clock)
    body = atom.feed([v.notice for v in views], lang=lang,
                     base_url=platform.settings.base_url(),
                     now=platform.clock.now())
    return Response(body, media_type=f"{atom.MEDIA_TYPE}; charset=utf-8")
