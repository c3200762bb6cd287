"""Interface texts in the four languages of the corridor, and choosing one for a request.

Event and status texts come from the code tables (domain/tables); these are the page's own
words. Kazakh place names fall back to Russian ones where the network file has no Kazakh name.
"""

from __future__ import annotations

LANGS = ("zh", "en", "ru", "kk")
LANG_NAMES = {"zh": "中文", "en": "English", "ru": "Русский", "kk": "Қазақша"}

TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Track your parcel", "zh": "邮件查询", "ru": "Отследить отправление",
              "kk": "Жөнелтімді бақылау"},
    "ids": {"en": "Tracking numbers (one or several)", "zh": "邮件号码（可输入多个）",
            "ru": "Номера отправлений (один или несколько)",
            "kk": "Жөнелтім нөмірлері (бір немесе бірнеше)"},
    "search": {"en": "Track", "zh": "查询", "ru": "Найти", "kk": "Іздеу"},
    "status": {"en": "Status", "zh": "状态", "ru": "Статус", "kk": "Күйі"},
    "last_seen": {"en": "Last seen", "zh": "最新位置", "ru": "Последнее место",
                  "kk": "Соңғы орны"},
    "eta": {"en": "Expected delivery", "zh": "预计妥投", "ru": "Ожидаемая доставка",
            "kk": "Күтілетін жеткізу"},
    "time": {"en": "Time (local)", "zh": "时间（当地）", "ru": "Время (местное)",
             "kk": "Уақыты (жергілікті)"},
    "event": {"en": "Event", "zh": "事件", "ru": "Событие", "kk": "Оқиға"},
    "place": {"en": "Place", "zh": "地点", "ru": "Место", "kk": "Орны"},
    "not_found": {"en": "No parcel with this number is known yet.",
                  "zh": "暂无此邮件的信息。", "ru": "Отправление с таким номером пока неизвестно.",
                  "kk": "Бұл нөмірмен жөнелтім әзірге белгісіз."},
    "invalid": {"en": "This is not a valid tracking number", "zh": "邮件号码无效",
                "ru": "Неверный номер отправления", "kk": "Жарамсыз жөнелтім нөмірі"},
    "delayed": {"en": "No news for longer than usual at this step.",
                "zh": "此环节停留时间超过正常范围。",
                "ru": "На этом этапе дольше обычного нет новостей.",
                "kk": "Бұл кезеңде әдеттегіден ұзақ жаңалық жоқ."},
}


def text(key: str, lang: str) -> str:
    """An interface text in ``lang`` (English when missing)."""
    entry = TEXTS[key]
    return entry.get(lang, entry["en"])


def negotiate(query_lang: str | None, accept_language: str | None) -> str:
    """The page language: an explicit choice, else the best of Accept-Language, else English."""
    if query_lang in LANGS:
        return query_lang
    choices: list[tuple[float, int, str]] = []
    for n, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.split("-")[0].lower()
        if primary in LANGS and quality > 0:
            choices.append((-quality, n, primary))
    return min(choices)[2] if choices else "en"
