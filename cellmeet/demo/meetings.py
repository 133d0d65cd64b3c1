"""Years of monthly meetings for a demo district, signed by the cells' own users.

Every cell meets almost every month; Thanh Sơn and Nà Miều never miss one. Built in
memory and written as plain rows; each signed minutes carries the hash of exactly what
was written, so `verify_minutes` passes on the demo.
"""

import datetime
import random
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import timezone

from cellmeet.demo import rows as demo_rows
from cellmeet.demo.logins import demo_password_hash
from cellmeet.demo.months import _aware, _quarters, last_finished_month
from cellmeet.demo.texts import ABSENCE_REASONS, CONTENT, DIRECTIVES, LESSONS, OPINIONS, TASKS
from meetings import content, counting
from meetings.documents import services as documents
from meetings.enums import MeetingKind, MeetingState, Presence, SignerRole, TaskStatus, VoteKind
from meetings.meeting.services import standard_agenda
from meetings.models import (
    AgendaItem,
    Attendance,
    CommitteeSession,
    Directive,
    Dissemination,
    Guest,
    Lesson,
    Meeting,
    Opinion,
    Rating,
    RotationSlot,
    Signature,
    SignedRecord,
    Task,
    Vote,
)
from meetings.rotation import plan, year_quarter
from meetings.rotation_plan.ratings import template_for
from members.enums import CellType, MemberStatus, PositionRole, RoleKind
from members.models import Member, MemberStatusChange, Organisation, Position, Role, tree_order

FIRST_MONTH = datetime.date(2018, 1, 1)
REORGANISED_ON = datetime.date(2025, 7, 1)  # the two-level structure (Quy định 294-QĐ/TW)
COPIES_LAST_YEAR = 2018  # the province-scale copies' history ends with this year
GONE = {MemberStatus.TRANSFERRED_OUT, MemberStatus.STRUCK_OFF, MemberStatus.EXPELLED,
        MemberStatus.DECEASED}  # fmt: skip
ALWAYS_MEET = {"VX-TT-THANHSON", "VX-PT-NAMIEU"}


def _status_on(changes, day, member):
    status = member.status
    for effective_on, value in changes:
        if effective_on <= day:
            status = value
    return status


class MeetingHistory:
    """The signed monthly meetings of `cells` over `months`, with the rotation of the
    model meeting among `groups` over `quarters` (by default those of the months).

    `before` carries the rotation on from an earlier history: {group id: [Slot]}.
    """

    def __init__(self, *, cells, groups, months, seed, quarters=None, before=None):
        self.cells = cells
        self.groups = groups
        self.months = months
        self.quarters = quarters or _quarters(months)
        self.before = before or {}
        self.rng = random.Random(f"cellmeet-meetings-{seed}")  # noqa: S311 - demo data, seeded to be the same on every load
        self._agendas = {}

    def load(self):
        cells = self.cells
        members = list(Member.objects.filter(cell__in=cells).order_by("sort_name", "pk"))
        by_cell = {}
        for m in members:
            by_cell.setdefault(m.cell_id, []).append(m)
        changes = {}
        for member_id, effective_on, status in (
            MemberStatusChange.objects.filter(member__cell__in=cells)
            .order_by("effective_on", "id")
            .values_list("member_id", "effective_on", "status")
        ):
            changes.setdefault(member_id, []).append((effective_on, status))
        secretaries = {
            p.cell_id: p.member
            for p in Position.objects.filter(
                cell__in=cells, role=PositionRole.SECRETARY, ended_on__isnull=True
            ).select_related("member__user")
        }
        takers = self._ensure_users(cells, by_cell, secretaries)
        self.secretaries = secretaries
        self._plan_rotation(secretaries)
        self.plans = []
        self.rated = []
        for cell in cells:
            secretary, taker = secretaries.get(cell.pk), takers.get(cell.pk)
            if secretary is None or taker is None:  # no one else to take the minutes
                continue
            for month in self.months:
                quarter = (month.month - 1) // 3 + 1
                hosting = (
                    cell.pk,
                    month.year,
                    quarter,
                ) in self.model_hosts and month.month % 3 == 2
                if not hosting and cell.code not in ALWAYS_MEET and self.rng.random() > 0.93:
                    continue
                day = month.replace(day=self.rng.choice([3, 4, 5, 6, 7, 8]))
                self._plan(cell, day, by_cell.get(cell.pk, []), changes, secretary,
                           taker)  # fmt: skip
        self._write()
        return len(self.plans)

    def _plan_rotation(self, secretaries):
        """The hosts of the model meeting, by the rotation rule, before the meetings."""
        self.model_hosts = {}  # (cell id, year, quarter): group
        self.group_cells = {}
        ours = {c.pk for c in self.cells}
        for cell in sorted(
            Organisation.objects.filter(parent__in=self.groups).cells().active(), key=tree_order
        ):
            if cell.pk in ours:
                self.group_cells.setdefault(cell.parent_id, []).append(cell)
        self.slots = {}
        self.history = {}
        for group in self.groups:
            ids = [c.pk for c in self.group_cells.get(group.pk, []) if c.pk in secretaries]
            existing = {s.index: s for s in self.before.get(group.pk, [])}
            planned = plan(self.quarters, lambda _i, ids=ids: ids, existing)
            self.history[group.pk] = [*existing.values(), *planned.values()]
            for index, slot in planned.items():
                year, quarter = year_quarter(index)
                self.slots[(group.pk, year, quarter)] = RotationSlot(
                    group=group, year=year, quarter=quarter, host_id=slot.host
                )
                if slot.host is not None:
                    self.model_hosts[(slot.host, year, quarter)] = group

    def _ensure_users(self, cells, by_cell, secretaries):
        """Each cell's secretary and a minute-taker get accounts, as in a live district."""
        User = get_user_model()
        takers, new_users, links = {}, [], []
        for cell in cells:
            secretary = secretaries.get(cell.pk)
            if secretary is None:
                continue
            officials = [
                m for m in by_cell.get(cell.pk, [])
                if m.status == MemberStatus.OFFICIAL and m.pk != secretary.pk
            ]  # fmt: skip
            linked = [m for m in officials if m.user_id]
            taker = linked[0] if linked else (officials[0] if officials else None)
            takers[cell.pk] = taker
            base = cell.code.lower()
            for member, suffix, kind in (
                (secretary, "bithu", RoleKind.SECRETARY),
                (taker, "thuky", RoleKind.MEMBER),
            ):
                if member is None or member.user_id:
                    continue
                *first, last = member.full_name.split(" ")
                user = User(username=f"{base}.{suffix}", password=demo_password_hash(),
                            first_name=" ".join(first), last_name=last)  # fmt: skip
                new_users.append(user)
                links.append((member, user, cell, kind))
        User.objects.bulk_create(new_users, batch_size=500)
        for member, user, _cell, _kind in links:
            member.user = user
        Member.objects.bulk_update([m for m, *_ in links], ["user"], batch_size=500)
        Role.objects.bulk_create(
            [Role(user=u, organisation=c, kind=k) for _m, u, c, k in links], batch_size=500
        )
        return takers

    def _plan(self, cell, day, members, changes, secretary, taker):
        rng = self.rng
        village = cell.cell_type in (CellType.VILLAGE, CellType.RESIDENTIAL)
        year, month = day.year, day.month
        start = _aware(day, 19, 30) if village else _aware(day, 14, 0)
        meeting = Meeting(
            cell=cell, kind=MeetingKind.REGULAR, planned_at=start, period=day.replace(day=1),
            place="Nhà văn hóa thôn" if village else "Phòng họp cơ quan",
            state=MeetingState.SIGNED, opened_at=start,
            closed_at=start + datetime.timedelta(minutes=rng.choice([95, 105, 120, 130])),
            chair=secretary, minute_taker=taker, cell_name=cell.name,
            chair_name=secretary.full_name, minute_taker_name=taker.full_name,
            conclusion=f"Chi bộ thống nhất nghị quyết sinh hoạt tháng {month:02d}/{year}: "
            "tiếp tục lãnh đạo thực hiện tốt nhiệm vụ chính trị của đơn vị, giữ vững an ninh "
            "trật tự, chăm lo đời sống nhân dân.",
        )  # fmt: skip
        local = "xã" if day >= REORGANISED_ON else "huyện"
        agenda = [
            Row(meeting=meeting, position=n, section=section, title=title,
                content=CONTENT[section].format(m=f"{month:02d}", y=year, n=month % 12 + 1,
                                                local=local))
            for n, (section, title) in enumerate(self._agenda_for(cell), start=1)
        ]  # fmt: skip
        directives = [Row(meeting=meeting, reference=ref, title=title)
                      for ref, title in rng.sample(DIRECTIVES, rng.choice([0, 1, 1, 2]))]  # fmt: skip
        attendance = []
        for member in members:
            if member.admitted_on > day:
                continue
            status = _status_on(changes.get(member.pk, []), day, member)
            if status in GONE:
                continue
            presence, reason = Presence.PRESENT, ""
            if status == MemberStatus.SUSPENDED:
                presence = Presence.SUSPENDED
            elif status == MemberStatus.TEMPORARILY_AWAY:
                presence = Presence.AWAY
            elif status == MemberStatus.EXEMPTED:
                presence = Presence.PRESENT if rng.random() < 0.2 else Presence.EXEMPTED
            elif member is not secretary and member is not taker and rng.random() < 0.08:
                if rng.random() < 0.85:
                    presence, reason = Presence.ABSENT_WITH_REASON, rng.choice(ABSENCE_REASONS)
                else:
                    presence = Presence.ABSENT_WITHOUT_REASON
            attendance.append(Row(
                meeting=meeting, member=member, member_id=member.pk, member_name=member.full_name,
                status_on_day=status, hosted=False,
                official_on_day=bool(member.official_on and member.official_on <= day),
                presence=presence, reason=reason,
                late=presence == Presence.PRESENT and rng.random() < 0.03,
            ))  # fmt: skip
        guests = []
        quarter = (month - 1) // 3 + 1
        group = self.model_hosts.get((cell.pk, year, quarter)) if month % 3 == 2 else None
        if group is not None:
            # The model meeting: the committee's other secretaries come to learn.
            meeting.kind = MeetingKind.MODEL
            meeting.title = f"Sinh hoạt chi bộ điểm quý {quarter} năm {year}"
            others = [c for c in self.group_cells.get(group.pk, []) if c.pk != cell.pk]
            for other in others[:6]:
                guest = self.secretaries.get(other.pk)
                if guest is not None:
                    guests.append(Row(meeting=meeting, name=guest.full_name,
                                      position="Bí thư chi bộ", unit=other.name))  # fmt: skip
            self.slots[(group.pk, year, quarter)].meeting = meeting
            self.rated.append((meeting, secretary, others))
        if rng.random() < 0.3:
            guests.append(Row(meeting=meeting, name="Hoàng Văn Thắng",
                              position="Đảng ủy viên", unit=f"Đảng ủy {cell.parent.name.removeprefix('Đảng bộ ')}"))  # fmt: skip
        present = [a.member for a in attendance if a.presence == Presence.PRESENT]
        discussion = next(i for i in agenda if i.section == "discussion")
        opinions = [
            Row(meeting=meeting, item=discussion, speaker_member=speaker, text=text,
                speaker_member_id=speaker.pk, speaker_name=speaker.full_name)
            for speaker, text in zip(rng.sample(present, min(2, len(present))),
                                     rng.sample(OPINIONS, 2), strict=False)
        ]  # fmt: skip
        totals = counting.totals(attendance)
        meeting.required_count, meeting.present_count = totals.required, totals.present_required
        meeting.unexcused_count = len(totals.absent_without_reason)
        meeting.prepared = True  # the committee session below
        against = 1 if totals.voters_present > 8 and rng.random() < 0.2 else 0
        votes_for = totals.voters_present - against
        vote = Row(meeting=meeting, kind=VoteKind.RESOLUTION, subject="Thông qua nghị quyết sinh hoạt chi bộ",
                   votes_for=votes_for, votes_against=against, votes_abstain=0, base=totals.base,
                   passed=counting.passes(VoteKind.RESOLUTION, votes_for, totals.base))  # fmt: skip
        parts = {"agenda": agenda, "directives": directives, "attendance": attendance,
                 "guests": guests, "opinions": opinions, "votes": [vote]}  # fmt: skip
        digest = content.content_hash(meeting, parts)
        signed_at = meeting.closed_at + datetime.timedelta(minutes=rng.choice([5, 15, 60, 1440]))
        signatures = [
            Row(meeting=meeting, role=SignerRole.MINUTE_TAKER, member=taker, user_id=taker.user_id,
                signer_name=taker.full_name, signer_position="Đảng viên",
                signed_at=signed_at, content_hash=digest, content_version=content.VERSION),
            Row(meeting=meeting, role=SignerRole.CHAIR, member=secretary, user_id=secretary.user_id,
                signer_name=secretary.full_name, signer_position=str(PositionRole.SECRETARY.label),
                signed_at=signed_at + datetime.timedelta(minutes=2), content_hash=digest,
                content_version=content.VERSION),
        ]  # fmt: skip
        committee = Row(
            meeting=meeting, held_on=day - datetime.timedelta(days=3),
            agreed_content="Thống nhất nội dung, chương trình, thời gian, địa điểm sinh hoạt; dự thảo nghị quyết.",
            assignments="Đồng chí Bí thư chuẩn bị báo cáo; đồng chí Phó Bí thư chuẩn bị dự thảo nghị quyết.",
        )  # fmt: skip
        # Tasks of last month's meetings may still be in progress; older ones are done.
        recent = day >= last_finished_month(timezone.localdate())
        # Due by the end of the next month: last month's open tasks are not overdue yet.
        due = (day.replace(day=1) + datetime.timedelta(days=62)).replace(day=1)
        due -= datetime.timedelta(days=1)
        tasks = [
            Row(meeting=meeting, assignee=rng.choice(present), description=rng.choice(TASKS),
                due_on=due,
                status=TaskStatus.IN_PROGRESS if recent and rng.random() < 0.5 else TaskStatus.DONE)
            for _n in range(rng.choice([1, 2]))
        ] if present else []  # fmt: skip
        disseminations = [
            Row(meeting=meeting, audience="Ban công tác Mặt trận và nhân dân trong thôn",
                on=day + datetime.timedelta(days=rng.randint(3, 12)), method="Họp thôn")
        ] if village else []  # fmt: skip
        self.plans.append({
            "digest": digest,
            "meeting": meeting, "agenda": agenda, "directives": directives, "attendance": attendance,
            "guests": guests, "opinions": opinions, "votes": [vote], "signatures": signatures,
            "committee": committee, "tasks": tasks, "disseminations": disseminations,
        })  # fmt: skip

    def _rate_model_meetings(self):
        """The host rates itself, the superior committee rates every model meeting, a guest
        writes what they learned."""
        superior = get_user_model().objects.filter(username="district").first()
        rows, lessons = [], []
        templates = {}
        for meeting, secretary, others in self.rated:
            group = meeting.cell.parent
            if group.pk not in templates:
                templates[group.pk] = template_for(group)
            template = templates[group.pk]
            for role, user in (("host", secretary.user), ("superior", superior)):
                if user is None:
                    continue
                scores = {
                    c["key"]: max(0, c["points"] - self.rng.randint(0, max(1, c["points"] // 4)))
                    for c in template.criteria
                }  # fmt: skip
                total = sum(scores.values())
                rows.append(Rating(meeting_id=meeting.pk, template=template, role=role,
                                   scores=scores, total=total, band=template.band_for(total),
                                   rated_by=user, rater_name=user.get_full_name() or user.username))  # fmt: skip
            guest = next((self.secretaries[o.pk] for o in others if o.pk in self.secretaries), None)
            if guest is not None and guest.user_id:
                lessons.append(Lesson(meeting_id=meeting.pk, author_id=guest.user_id,
                                      author_name=guest.full_name, text=self.rng.choice(LESSONS)))  # fmt: skip
        Rating.objects.bulk_create(rows, batch_size=1000)
        Lesson.objects.bulk_create(lessons, batch_size=1000)

    def _agenda_for(self, cell):
        key = cell.cell_type == CellType.VILLAGE
        if key not in self._agendas:
            self._agendas[key] = [(section, str(title)) for section, title in standard_agenda(cell)]
        return self._agendas[key]

    def _write(self):
        plans = self.plans
        for key, model in (("meeting", Meeting), ("committee", CommitteeSession)):
            rows = [plan[key] for plan in plans]
            demo_rows.write(model, demo_rows.give_ids(model, rows))
        for key, model in (("agenda", AgendaItem), ("attendance", Attendance),
                           ("opinions", Opinion), ("directives", Directive), ("guests", Guest),
                           ("votes", Vote), ("signatures", Signature), ("tasks", Task),
                           ("disseminations", Dissemination)):  # fmt: skip
            rows = [row for plan in plans for row in plan[key]]
            demo_rows.write(model, demo_rows.give_ids(model, rows))
        through = CommitteeSession.attendees.through
        rows = [Row(committeesession_id=plan["committee"].pk, member_id=plan["meeting"].chair_id)
                for plan in plans]  # fmt: skip
        demo_rows.write(through, demo_rows.give_ids(through, rows))
        self._seal()
        for slot in self.slots.values():
            slot.meeting_id = slot.meeting.pk if slot.meeting else None
        RotationSlot.objects.bulk_create(self.slots.values())
        self._rate_model_meetings()

    def _seal(self):
        """Each signed meeting's record, as the second signature makes it: the hash, the
        number of its documents, their verification codes and the snapshot they print."""
        cells = {entry["meeting"].cell_id for entry in self.plans}
        terms = {}
        for cell_id, started_on in Position.objects.filter(
            cell__in=cells, role=PositionRole.SECRETARY
        ).values_list("cell_id", "started_on"):
            terms.setdefault(cell_id, []).append(started_on)
        earlier = list(
            Meeting.objects.filter(cell__in=cells, state=MeetingState.SIGNED)
            .exclude(pk__in=[entry["meeting"].pk for entry in self.plans])
            .values_list("cell_id", "planned_at")
        )
        counted = {}

        def term_of(cell_id, day):
            return max((d for d in terms.get(cell_id, []) if d <= day),
                       default=datetime.date(day.year, 1, 1))  # fmt: skip

        for cell_id, planned_at in earlier:  # numbers go on from a history loaded before
            key = (cell_id, term_of(cell_id, timezone.localtime(planned_at).date()))
            counted[key] = counted.get(key, 0) + 1
        records = []
        for entry in sorted(
            self.plans, key=lambda e: (e["meeting"].cell_id, e["meeting"].planned_at)
        ):
            meeting = entry["meeting"]
            cell = meeting.cell
            key = (cell.pk, term_of(cell.pk, meeting.planned_at.date()))
            counted[key] = counted.get(key, 0) + 1
            records.append(Row(**documents.record_fields(
                meeting, attendance=entry["attendance"], digest=entry["digest"],
                version=content.VERSION, signatures=entry["signatures"], number=counted[key],
                cell_name=cell.name, superior=cell.parent.name if cell.parent_id else "",
            )))  # fmt: skip
        demo_rows.write(SignedRecord, demo_rows.give_ids(SignedRecord, records))


class Row(SimpleNamespace):
    """A row built for the demo before it is written, readable like a model instance."""

    pk = None
