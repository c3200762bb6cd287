"""Interface texts in the four languages of the corridor, and choosing one for a request.

Event and status texts come from the code tables (domain/tables); these are the page's own
words. Kazakh place names fall back to Russian ones where the network file has no Kazakh name.
"""

from __future__ import annotations

from silkpost.domain.codes import LANGUAGES

LANGS = LANGUAGES
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


# The dashboard's words (managers and office supervisors).

def _add(block: dict[str, dict[str, str]]) -> None:
    """Add a block of texts; a key already used is an error at import, not a page that
    silently shows another page's words."""
    taken = sorted(set(block) & set(TEXTS))
    if taken:
        raise ValueError(f"interface text keys defined twice: {', '.join(taken)}")
    TEXTS.update(block)


_add({
    "dash_title": {"en": "Corridor dashboard", "zh": "通道运营看板", "ru": "Панель коридора",
                   "kk": "Дәліз тақтасы"},
    "period": {"en": "Period", "zh": "统计期间", "ru": "Период", "kk": "Кезең"},
    "show": {"en": "Show", "zh": "查看", "ru": "Показать", "kk": "Көрсету"},
    "posted": {"en": "Posted", "zh": "收寄量", "ru": "Принято", "kk": "Қабылданды"},
    "delivered": {"en": "Delivered", "zh": "妥投量", "ru": "Вручено", "kk": "Табыс етілді"},
    "weight_t": {"en": "Weight posted, t", "zh": "收寄重量（吨）", "ru": "Вес принятого, т",
                 "kk": "Қабылданған салмақ, т"},
    "in_flight": {"en": "On the way now", "zh": "在途邮件", "ru": "Сейчас в пути",
                  "kk": "Қазір жолда"},
    "stuck": {"en": "Stuck now", "zh": "滞留邮件", "ru": "Застряло сейчас",
              "kk": "Қазір тұрып қалған"},
    "overdue": {"en": "Past the promise", "zh": "超时未妥投", "ru": "Просрочено",
                "kk": "Мерзімі өткен"},
    "transit_p50": {"en": "Transit p50, days", "zh": "全程时限中位数（天）",
                    "ru": "Срок в пути p50, дни", "kk": "Жолдағы уақыт p50, күн"},
    "on_time": {"en": "On time", "zh": "准时率", "ru": "Вовремя", "kk": "Уақытылы"},
    "customs_p50": {"en": "Customs p50, hours", "zh": "通关时长中位数（小时）",
                    "ru": "Таможня p50, часы", "kk": "Кеден p50, сағат"},
    "volume_by_day": {"en": "Items posted and delivered per day", "zh": "每日收寄与妥投量",
                      "ru": "Принято и вручено по дням",
                      "kk": "Күн сайын қабылданған және табыс етілген"},
    "departures_by_mode": {"en": "Departures per day by mode (truck, rail, air)",
                           "zh": "每日发运量（卡班、班列、航空）",
                           "ru": "Отправки по дням по видам транспорта",
                           "kk": "Көлік түрі бойынша күнделікті жөнелтімдер"},
    "transit_dist": {"en": "Transit time per lane (days; red: the promise)",
                     "zh": "各线路全程时限分布（天；红线为承诺时限）",
                     "ru": "Срок в пути по направлениям (дни; красным — обещанный срок)",
                     "kk": "Бағыттар бойынша жолдағы уақыт (күн; қызыл — уәде)"},
    "dwell": {"en": "Dwell per place (hours)", "zh": "各节点停留时长（小时）",
              "ru": "Простой по узлам (часы)", "kk": "Түйіндердегі тұру уақыты (сағат)"},
    "customs": {"en": "Customs time per port (hours)", "zh": "各口岸通关时长（小时）",
                "ru": "Время таможни по пунктам (часы)", "kk": "Пункттердегі кеден уақыты (сағат)"},
    "customs_regime": {"en": "Customs time per port and regime (hours)",
                       "zh": "各口岸分监管方式通关时长（小时）",
                       "ru": "Время таможни по пунктам и режимам (часы)",
                       "kk": "Пункттер мен режимдер бойынша кеден уақыты (сағат)"},
    "network": {"en": "Network and flows", "zh": "邮路网络与流量", "ru": "Сеть и потоки",
                "kk": "Желі және ағындар"},
    "lanes": {"en": "Lanes", "zh": "线路", "ru": "Направления", "kk": "Бағыттар"},
    "lane": {"en": "Lane", "zh": "线路", "ru": "Направление", "kk": "Бағыт"},
    "promise": {"en": "Promise, days", "zh": "承诺时限（天）", "ru": "Обещано, дни",
                "kk": "Уәде, күн"},
    "stuck_items": {"en": "Stuck items", "zh": "滞留邮件", "ru": "Застрявшие отправления",
                    "kk": "Тұрып қалған жөнелтімдер"},
    "overdue_items": {"en": "Items past the promise", "zh": "超时未妥投邮件",
                      "ru": "Отправления с истёкшим сроком", "kk": "Мерзімі өткен жөнелтімдер"},
    "item": {"en": "Item", "zh": "邮件号", "ru": "Отправление", "kk": "Жөнелтім"},
    "since_last": {"en": "Last event", "zh": "最后事件时间", "ru": "Последнее событие",
                   "kk": "Соңғы оқиға"},
    "days_late": {"en": "Days late", "zh": "超时天数", "ru": "Дней просрочки",
                  "kk": "Кешігу күндері"},
    "notices": {"en": "Notices", "zh": "公告", "ru": "Объявления", "kk": "Хабарландырулар"},
    "none": {"en": "Nothing here.", "zh": "暂无。", "ru": "Пусто.", "kk": "Ештеңе жоқ."},
    "as_of": {"en": "events analysed", "zh": "条事件已分析", "ru": "событий учтено",
              "kk": "оқиға талданды"},
    "track_page": {"en": "Track a parcel", "zh": "邮件查询", "ru": "Отследить отправление",
                   "kk": "Жөнелтімді бақылау"},
    "no_analytics": {"en": "Analytics needs a SQL store.", "zh": "分析功能需要 SQL 数据库。",
                     "ru": "Для аналитики нужна SQL-база.", "kk": "Талдауға SQL қоймасы керек."},
})


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


# Tracking page (issue 16): the step bar, the latest event, paging, invalid ids, advice, zones.
# {placeholders} are filled by the page, numbers through silkpost.web.numbers.
_add({
    "step_posted": {"en": "Posted", "zh": "已收寄", "ru": "Принято", "kk": "Қабылданды"},
    "step_export_customs": {"en": "Export customs", "zh": "出口海关", "ru": "Экспортная таможня",
                            "kk": "Экспорттық кеден"},
    "step_border": {"en": "Border", "zh": "过境", "ru": "Граница", "kk": "Шекара"},
    "step_import_customs": {"en": "Import customs", "zh": "进口海关", "ru": "Импортная таможня",
                            "kk": "Импорттық кеден"},
    "step_out_for_delivery": {"en": "Out for delivery", "zh": "派送中", "ru": "Доставка",
                              "kk": "Жеткізуде"},
    "step_delivered": {"en": "Delivered", "zh": "已妥投", "ru": "Вручено", "kk": "Табыс етілді"},
    "progress": {"en": "Progress", "zh": "运输进度", "ru": "Ход доставки",
                 "kk": "Жеткізу барысы"},
    "days_in_transit": {"en": "Days in transit", "zh": "在途天数", "ru": "Дней в пути",
                        "kk": "Жолдағы күндер"},
    "latest": {"en": "Latest event", "zh": "最新动态", "ru": "Последнее событие",
               "kk": "Соңғы оқиға"},
    "history": {"en": "Earlier events ({count})", "zh": "历史记录（{count}）",
                "ru": "Предыдущие события ({count})", "kk": "Бұрынғы оқиғалар ({count})"},
    "attempt_title": {"en": "Delivery attempt failed: what to do", "zh": "投递未成功：请您",
                      "ru": "Вручить не удалось: что делать",
                      "kk": "Тапсыру сәтсіз болды: не істеу керек"},
    "attempt_advice": {
        "en": "Collect the parcel at {office}: bring an identity document and this tracking "
              "number. Or wait for the next delivery attempt.",
        "zh": "请携带身份证件和本邮件号码，到{office}领取邮件；或等待再次投递。",
        "ru": "Получите отправление в месте «{office}», взяв документ, удостоверяющий личность, "
              "и этот номер. Или дождитесь повторной доставки.",
        "kk": "Жөнелтімді «{office}» орнынан алыңыз: жеке куәлікті және осы нөмірді алып "
              "келіңіз. Немесе қайта жеткізуді күтіңіз.",
    },
    "id_shape": {
        "en": "A postal tracking number (UPU S10) is {letters} letters, {digits} digits, a check "
              "digit and {letters} letters for the country, like CA\u00a0…\u00a0CN.",
        "zh": "国际邮件号码（UPU S10）由 {letters} 个字母、{digits} 位数字、一位校验位和 {letters} "
              "个国家代码字母组成，例如 CA\u00a0…\u00a0CN。",
        "ru": "Почтовый номер (UPU S10): {letters} буквы, {digits} цифр, контрольная цифра и "
              "{letters} буквы кода страны, например CA\u00a0…\u00a0CN.",
        "kk": "Пошта нөмірі (UPU S10): {letters} әріп, {digits} цифр, бақылау цифры және елдің "
              "{letters} әрпі, мысалы CA\u00a0…\u00a0CN.",
    },
    "id_checksum": {"en": "The check digit does not match — check for a mistyped digit.",
                    "zh": "校验位不符——请检查是否输错了数字。",
                    "ru": "Контрольная цифра не совпадает — проверьте, нет ли опечатки в цифрах.",
                    "kk": "Бақылау цифры сәйкес келмейді — цифрларда қате жоқ па, тексеріңіз."},
    "id_country": {"en": "The last two letters are not a country code (such as CN or KZ).",
                   "zh": "最后两个字母不是国家代码（如 CN、KZ）。",
                   "ru": "Последние две буквы — не код страны (например, CN или KZ).",
                   "kk": "Соңғы екі әріп ел коды емес (мысалы, CN немесе KZ)."},
    "id_other": {"en": "Other carriers' numbers have {least}–{most} letters and digits.",
                 "zh": "其他承运商的单号由 {least}–{most} 个字母和数字组成。",
                 "ru": "Номера других перевозчиков: от {least} до {most} букв и цифр.",
                 "kk": "Басқа тасымалдаушылардың нөмірлері: {least}–{most} әріп пен цифр."},
    "showing": {"en": "Showing {first}–{last} of {total} tracking numbers.",
                "zh": "共 {total} 个号码，当前显示第 {first}–{last} 个。",
                "ru": "Показаны номера {first}–{last} из {total}.",
                "kk": "{total} нөмірдің {first}–{last} көрсетілген."},
    "too_many": {"en": "Only the first {most} numbers are read; {left} more were left out. "
                       "Track them in another search.",
                 "zh": "每次最多查询 {most} 个号码，其余 {left} 个未读取，请另行查询。",
                 "ru": "Читаются только первые {most} номеров; ещё {left} не прочитаны — "
                       "проверьте их отдельным запросом.",
                 "kk": "Тек алғашқы {most} нөмір оқылады; тағы {left} нөмір оқылмады — "
                       "оларды бөлек іздеңіз."},
    "bad_page": {"en": "There is no such page of results; here is the first.",
                 "zh": "没有这一页结果，已显示第一页。",
                 "ru": "Такой страницы результатов нет; показана первая.",
                 "kk": "Нәтижелердің мұндай беті жоқ; біріншісі көрсетілді."},
    "prev_page": {"en": "← Previous", "zh": "← 上一页", "ru": "← Назад", "kk": "← Алдыңғы"},
    "next_page": {"en": "Next →", "zh": "下一页 →", "ru": "Далее →", "kk": "Келесі →"},
    "pages": {"en": "Pages", "zh": "分页", "ru": "Страницы", "kk": "Беттер"},
    "zone_place": {"en": "{place} time, {offset}", "zh": "{place}时间，{offset}",
                   "ru": "{place}, местное время, {offset}", "kk": "{place} уақыты, {offset}"},
    "invalid_id": {"en": "This is not a valid tracking number.", "zh": "邮件号码无效。",
                   "ru": "Неверный номер отправления.", "kk": "Жарамсыз жөнелтім нөмірі."},
    "zone_utc": {"en": "UTC, coordinated universal time", "zh": "协调世界时 UTC",
                 "ru": "UTC, всемирное координированное время",
                 "kk": "UTC, дүниежүзілік үйлестірілген уақыт"},
    "unavailable": {"en": "Tracking is unavailable right now. Please try again in a few minutes.",
                    "zh": "查询服务暂时不可用，请稍后再试。",
                    "ru": "Отслеживание сейчас недоступно. Попробуйте через несколько минут.",
                    "kk": "Бақылау қазір қолжетімсіз. Бірнеше минуттан кейін қайталаңыз."},
    "server_error": {"en": "Something went wrong on our side. If you write to us, quote this "
                           "reference: {ref}",
                     "zh": "服务出现错误。如需联系我们，请提供此编号：{ref}",
                     "ru": "У нас произошла ошибка. Если будете писать нам, укажите этот номер: "
                           "{ref}",
                     "kk": "Бізде қате орын алды. Бізге жазсаңыз, осы нөмірді көрсетіңіз: {ref}"},
})


# Sign-in (issue 17): people reach the dashboard with a key once, then a session cookie.
_add({
    "signin_title": {"en": "Sign in", "zh": "登录", "ru": "Вход", "kk": "Кіру"},
    "signin_key": {"en": "API key", "zh": "API 密钥", "ru": "API-ключ", "kk": "API кілті"},
    "signin_hint": {"en": "Paste the key your administrator gave you (silkpost key new).",
                    "zh": "请粘贴管理员提供的密钥（silkpost key new）。",
                    "ru": "Вставьте ключ, выданный администратором (silkpost key new).",
                    "kk": "Әкімші берген кілтті қойыңыз (silkpost key new)."},
    "signin_button": {"en": "Sign in", "zh": "登录", "ru": "Войти", "kk": "Кіру"},
    "signin_failed": {"en": "This key does not open the pages: {reason}.",
                      "zh": "此密钥无法登录：{reason}。",
                      "ru": "Этот ключ не подходит: {reason}.",
                      "kk": "Бұл кілт жарамайды: {reason}."},
    "signin_done": {"en": "Signed in. Opening the page…", "zh": "已登录，正在打开页面…",
                    "ru": "Вход выполнен. Открываем страницу…",
                    "kk": "Кіру орындалды. Бет ашылуда…"},
    "signout": {"en": "Sign out", "zh": "退出", "ru": "Выйти", "kk": "Шығу"},
    "forbidden_page": {"en": "Your key may not open this page (its role: {role}).",
                       "zh": "您的密钥无权打开此页面（角色：{role}）。",
                       "ru": "Вашему ключу эта страница недоступна (роль: {role}).",
                       "kk": "Сіздің кілтіңізге бұл бет қолжетімсіз (рөлі: {role})."},
})


# Dashboard at scale (issue 16): groups, lists, units, legends, errors.
_add({
    "now_group": {"en": "Now", "zh": "当前", "ru": "Сейчас", "kk": "Қазір"},
    "period_group": {"en": "In the period", "zh": "统计期间内", "ru": "За период",
                     "kk": "Кезең ішінде"},
    "no_data": {"en": "No data in this period.", "zh": "此期间没有数据。",
                "ru": "За этот период данных нет.", "kk": "Бұл кезеңде деректер жоқ."},
    "stuck_groups": {"en": "Stuck now, by place and status", "zh": "当前滞留：按地点和状态",
                     "ru": "Застряло сейчас: по месту и статусу",
                     "kk": "Қазір тұрып қалғандар: орны мен күйі бойынша"},
    "overdue_groups": {"en": "Past the promise, by lane", "zh": "超时未妥投：按线路",
                       "ru": "Просрочено: по направлениям",
                       "kk": "Мерзімі өткендер: бағыттар бойынша"},
    "count": {"en": "Items", "zh": "件数", "ru": "Отправлений", "kk": "Жөнелтімдер"},
    "all": {"en": "All", "zh": "全部", "ru": "Все", "kk": "Барлығы"},
    "filter": {"en": "Filter", "zh": "筛选", "ru": "Отобрать", "kk": "Сүзу"},
    "csv": {"en": "Download CSV", "zh": "下载 CSV", "ru": "Скачать CSV", "kk": "CSV жүктеу"},
    "list_showing": {"en": "Showing {first}–{last} of {total}",
                "zh": "第 {first}–{last} 件，共 {total} 件",
                "ru": "Показаны {first}–{last} из {total}",
                "kk": "{total} ішінен {first}–{last} көрсетілген"},
    "list_next": {"en": "Next →", "zh": "下一页 →", "ru": "Далее →", "kk": "Келесі →"},
    "list_first": {"en": "← First page", "zh": "← 第一页", "ru": "← В начало",
                   "kk": "← Бірінші бет"},
    "list_previous": {"en": "← Previous", "zh": "← 上一页", "ru": "← Назад", "kk": "← Алдыңғы"},
    "parcels_unit": {"en": "parcels", "zh": "件", "ru": "отправл.", "kk": "жөнелтім"},
    "list_error": {"en": "This list cannot be shown: {reason}", "zh": "无法显示此列表：{reason}",
                   "ru": "Этот список нельзя показать: {reason}",
                   "kk": "Бұл тізімді көрсету мүмкін емес: {reason}"},
    "list_hint": {"en": "Choose a place, status or lane from the list's groups, and a page "
                        "number from 1.",
                  "zh": "请从列表的分组中选择地点、状态或线路，页码从 1 开始。",
                  "ru": "Выберите место, статус или направление из групп списка; страницы "
                        "нумеруются с 1.",
                  "kk": "Тізім топтарынан орынды, күйді немесе бағытты таңдаңыз; беттер 1-ден "
                        "бастап нөмірленеді."},
    "place_col": {"en": "Place", "zh": "地点", "ru": "Место", "kk": "Орны"},
    "mode_truck": {"en": "truck", "zh": "卡车", "ru": "грузовик", "kk": "жүк көлігі"},
    "mode_rail": {"en": "rail", "zh": "铁路", "ru": "ж/д", "kk": "теміржол"},
    "mode_air": {"en": "air", "zh": "航空", "ru": "авиа", "kk": "әуе"},
    "hours_unit": {"en": "h", "zh": "小时", "ru": "ч", "kk": "сағ"},
    "days_unit": {"en": "d", "zh": "天", "ru": "дн.", "kk": "күн"},
    "p50p90": {"en": "bar: median (p50) · whisker: p90, in {unit}",
               "zh": "条形：中位数（p50）· 须线：p90，单位：{unit}",
               "ru": "полоса: медиана (p50) · ус: p90, в {unit}",
               "kk": "жолақ: медиана (p50) · мұрт: p90, {unit}"},
    "promise_word": {"en": "promise", "zh": "承诺时限", "ru": "обещанный срок",
                     "kk": "уәде етілген мерзім"},
    "flow_width": {"en": "line width: parcels", "zh": "线宽：邮件量",
                   "ru": "толщина линии: отправления", "kk": "сызық жуандығы: жөнелтімдер"},
    "period_error": {"en": "This period cannot be shown: {reason}",
                     "zh": "无法显示此期间：{reason}",
                     "ru": "Этот период нельзя показать: {reason}",
                     "kk": "Бұл кезеңді көрсету мүмкін емес: {reason}"},
    "period_hint": {"en": "Choose a start date on or before the end date, at most {most} days "
                          "apart.",
                    "zh": "请选择不晚于结束日期的开始日期，间隔不超过 {most} 天。",
                    "ru": "Выберите начальную дату не позже конечной, не более {most} дней.",
                    "kk": "Басталу күнін аяқталу күнінен кеш емес, {most} күннен аспайтын етіп "
                          "таңдаңыз."},
    "back_default": {"en": "Show the last {days} days", "zh": "查看最近 {days} 天",
                     "ru": "Показать последние {days} дней", "kk": "Соңғы {days} күнді көрсету"},
})


# The scanner screen of an office of exchange (workers at the conveyor).
_add({
    "scan_title": {"en": "Scanning", "zh": "扫描作业", "ru": "Сканирование", "kk": "Сканерлеу"},
    "scan_prompt": {"en": "Scan a bag label or an item", "zh": "扫描总包袋牌或邮件条码",
                    "ru": "Отсканируйте ярлык ёмкости или отправление",
                    "kk": "Қап белгісін немесе жөнелтімді сканерлеңіз"},
    "scan_weight_field": {"en": "Bag weight, kg", "zh": "袋重（千克）", "ru": "Вес ёмкости, кг",
                          "kk": "Қап салмағы, кг"},
    "scan_seal_field": {"en": "Seal", "zh": "封志号", "ru": "Пломба", "kk": "Пломба"},
    "scan_ready": {"en": "Ready", "zh": "就绪", "ru": "Готово", "kk": "Дайын"},
    "scan_bag": {"en": "Bag being opened", "zh": "当前开拆袋", "ru": "Вскрываемая ёмкость",
                 "kk": "Ашылып жатқан қап"},
    "scan_no_bag": {"en": "no bag", "zh": "无", "ru": "нет", "kk": "жоқ"},
    "scan_count_bags": {"en": "Bags received", "zh": "已接收袋", "ru": "Принято ёмкостей",
                        "kk": "Қабылданған қаптар"},
    "scan_count_items": {"en": "Items sorted", "zh": "已分拣邮件",
                         "ru": "Отсортировано отправлений", "kk": "Сұрыпталған жөнелтімдер"},
    "scan_count_held": {"en": "To the hold area", "zh": "转暂存区", "ru": "В зону задержания",
                        "kk": "Ұстау аймағына"},
    "scan_count_errors": {"en": "Problems", "zh": "异常", "ru": "Проблемы",
                          "kk": "Мәселелер"},
    "scan_count_pending": {"en": "Kept on this device", "zh": "本机待发送",
                           "ru": "Ждут отправки", "kk": "Құрылғыда күтуде"},
    "scan_sorted": {"en": "sorted", "zh": "已分拣", "ru": "отсортировано",
                    "kk": "сұрыпталды"},
    "scan_held": {"en": "HOLD AREA", "zh": "转暂存区", "ru": "В ЗОНУ ЗАДЕРЖАНИЯ",
                  "kk": "ҰСТАУ АЙМАҒЫНА"},
    "scan_unrouted": {"en": "NO ROUTE", "zh": "无路由", "ru": "НЕТ МАРШРУТА",
                      "kk": "БАҒЫТ ЖОҚ"},
    "scan_already": {"en": "already scanned", "zh": "重复扫描", "ru": "уже отсканировано",
                     "kk": "бұрын сканерленген"},
    "scan_returned": {"en": "RETURNED TO SENDER", "zh": "已退回寄件人",
                      "ru": "ВОЗВРАЩЕНО ОТПРАВИТЕЛЮ", "kk": "ЖІБЕРУШІГЕ ҚАЙТАРЫЛДЫ"},
    "scan_announced": {"en": "BAG RECEIVED", "zh": "袋已接收", "ru": "ЁМКОСТЬ ПРИНЯТА",
                       "kk": "ҚАП ҚАБЫЛДАНДЫ"},
    "scan_unannounced": {"en": "NOT ANNOUNCED", "zh": "无预报", "ru": "НЕ ЗАЯВЛЕНА",
                         "kk": "ХАБАРЛАНБАҒАН"},
    "scan_duplicate": {"en": "DUPLICATE BAG", "zh": "重复袋号", "ru": "ДУБЛИКАТ ЁМКОСТИ",
                       "kk": "ҚАЙТАЛАНҒАН ҚАП"},
    "scan_already_received": {"en": "ALREADY RECEIVED", "zh": "已接收过",
                              "ru": "УЖЕ ПРИНЯТА", "kk": "БҰРЫН ҚАБЫЛДАНҒАН"},
    "scan_wrong_office": {"en": "WRONG OFFICE", "zh": "错发（非本局）", "ru": "НЕ НАШЕ МЕСТО",
                          "kk": "БАСҚА МЕКЕМЕГЕ"},
    "scan_invalid": {"en": "NOT ACCEPTED", "zh": "无法受理", "ru": "НЕ ПРИНЯТО",
                     "kk": "ҚАБЫЛДАНБАДЫ"},
    "scan_offline": {"en": "OFFLINE — KEEP SCANNING", "zh": "网络中断——请继续扫描",
                     "ru": "НЕТ СЕТИ — ПРОДОЛЖАЙТЕ", "kk": "ЖЕЛІ ЖОҚ — ЖАЛҒАСТЫРЫҢЫЗ"},
    "scan_pending": {"en": "kept on this device", "zh": "暂存本机", "ru": "сохранено на устройстве",
                     "kk": "құрылғыда сақталды"},
    "scan_signin": {"en": "Sign in again: scans are kept", "zh": "请重新登录：扫描已暂存",
                    "ru": "Войдите снова: сканы сохранены",
                    "kk": "Қайта кіріңіз: сканерлер сақталды"},
    "scan_surplus": {"en": "not in this bag's pre-advice", "zh": "不在此袋预报中",
                     "ru": "нет в предварительном уведомлении",
                     "kk": "алдын ала хабарламада жоқ"},
    "scan_weight": {"en": "weight", "zh": "重量", "ru": "вес", "kk": "салмақ"},
    "scan_sent_late": {"en": "sent after the network came back", "zh": "网络恢复后补发",
                       "ru": "отправлено после восстановления сети",
                       "kk": "желі қалпына келгенде жіберілді"},
})


# The supervisor's screen of an office of exchange.
_add({
    "office_title": {"en": "Exchange office", "zh": "互换局作业", "ru": "Место обмена",
                     "kk": "Алмасу орны"},
    "office_overdue": {"en": "Overdue", "zh": "已超时", "ru": "Просрочено", "kk": "Мерзімі өтті"},
    "office_waiting": {"en": "Still to leave", "zh": "待发运", "ru": "Ждут отправки",
                       "kk": "Жөнелтуді күтуде"},
    "office_held": {"en": "Hold area", "zh": "暂存区", "ru": "Зона задержания",
                    "kk": "Ұстау аймағы"},
    "office_same_day": {"en": "Same-day share, 7 days", "zh": "当日处理率（7天）",
                        "ru": "Доля в тот же день, 7 дн.", "kk": "Сол күні үлесі, 7 күн"},
    "office_no_route": {"en": "No route", "zh": "无路由", "ru": "Нет маршрута",
                        "kk": "Бағыт жоқ"},
    "office_item": {"en": "Item", "zh": "邮件", "ru": "Отправление", "kk": "Жөнелтім"},
    "office_next": {"en": "Next", "zh": "下一站", "ru": "Далее", "kk": "Келесі"},
    "office_scanned": {"en": "Scanned", "zh": "扫描时间", "ru": "Отсканировано",
                       "kk": "Сканерленді"},
    "office_deadline": {"en": "Must leave by", "zh": "最晚发运", "ru": "Отправить до",
                        "kk": "Жөнелту мерзімі"},
    "office_left": {"en": "Time left", "zh": "剩余时间", "ru": "Осталось", "kk": "Қалды"},
    "office_bag_col": {"en": "Bag / dispatch", "zh": "袋 / 总包", "ru": "Ёмкость / депеша",
                       "kk": "Қап / жөнелтім"},
    "office_reason": {"en": "Reason", "zh": "原因", "ru": "Причина", "kk": "Себебі"},
    "office_age": {"en": "Held for", "zh": "已扣留", "ru": "Задержано", "kk": "Ұсталғанына"},
    "office_note": {"en": "Note", "zh": "备注", "ru": "Примечание", "kk": "Ескертпе"},
    "office_due": {"en": "Items due", "zh": "应发运件数", "ru": "Должно уйти",
                   "kk": "Жөнелтілуі тиіс"},
    "office_nothing": {"en": "Nothing waiting to leave.", "zh": "暂无待发运邮件。",
                       "ru": "Нет ожидающих отправки.", "kk": "Жөнелтуді күтетін жоқ."},
})
