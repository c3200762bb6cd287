"""Request and response shapes of the notices API (its OpenAPI contract)."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field

from silkpost.domain.notices import NoticeState, Severity
from silkpost.notices.service import NoticeDraft, NoticeView


class NoticeIn(BaseModel):
    """A notice as an operator writes it; ``publish`` publishes it at once."""

    title: dict[str, str] = Field(description="text by language (zh, en, ru, kk); one at least",
                                  examples=[{"en": "Khorgos closed", "ru": "Хоргос закрыт"}])
    body: dict[str, str] = Field(default_factory=dict, description="text by language")
    severity: Severity
    nodes: list[str] = Field(default_factory=list, description="network node codes; none: all",
                             examples=[["CNKHGA"]])
    services: list[str] = Field(default_factory=list, description="network service ids")
    valid_from: AwareDatetime
    valid_until: AwareDatetime | None = Field(None, description="after valid_from; none: open")
    publish: bool = False

    def draft(self) -> NoticeDraft:
        """The service's draft."""
        return NoticeDraft(
            title=self.title, body=self.body, severity=self.severity, nodes=tuple(self.nodes),
            services=tuple(self.services), valid_from=self.valid_from,
            valid_until=self.valid_until,
        )


class NoticeOut(BaseModel):
    """A notice and its state now."""

    id: str = Field(examples=["N-2026-0001"])
    state: NoticeState
    severity: Severity
    title: dict[str, str]
    body: dict[str, str]
    nodes: list[str]
    services: list[str]
    valid_from: datetime
    valid_until: datetime | None
    created_at: datetime
    published_at: datetime | None
    withdrawn_at: datetime | None

    @classmethod
    def of(cls, view: NoticeView) -> NoticeOut:
        """From the service's view."""
        n = view.notice
        return cls(
            id=n.notice_id, state=view.state, severity=n.severity, title=dict(n.title),
            body=dict(n.body), nodes=list(n.nodes), services=list(n.services),
            valid_from=n.valid_from, valid_until=n.valid_until, created_at=n.created_at,
            published_at=n.published_at, withdrawn_at=n.withdrawn_at,
        )


class NoticeListOut(BaseModel):
    """Notices, most recently created first."""

    items: list[NoticeOut]
