"""Demo data for the registry and annual plans: ~3,000 enterprises over the 9 units of 鸠江区 with
realistic names and valid checksummed 统一社会信用代码, pools filled plausibly, and plans for the
current year in several states. Idempotent and fast (bulk inserts; a re-run adds nothing).

Industries belong to `matters`: they are looked up by GB/T 4754 code and left empty when missing.
"""
import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from subjects.validators import USCC_ALPHABET, uscc_check_char

from .models import AnnualPlan, Enterprise, Pool, PoolMembership, Town, name_initials

ENTERPRISE_COUNT = 3000
# (industry code, share, name patterns, sizes)
KINDS = [
    ("6210", 22, ["芜湖市鸠江区{z}餐饮店", "芜湖{z}餐饮管理有限公司", "鸠江区{z}饭店", "芜湖{z}酒楼有限公司"], "micro"),
    ("6291", 12, ["芜湖市鸠江区{z}小吃店", "鸠江区{z}面馆", "芜湖市鸠江区{z}早餐店"], "individual"),
    ("5212", 8, ["芜湖{z}超市有限公司", "芜湖市鸠江区{z}购物中心"], "small"),
    ("5213", 10, ["芜湖市鸠江区{z}便利店", "鸠江区{z}便民超市"], "individual"),
    ("5169", 6, ["芜湖{z}化工有限公司", "芜湖{z}化学品贸易有限公司"], "small"),
    ("5265", 4, ["中国石化销售股份有限公司安徽芜湖鸠江{z}加油站", "芜湖{z}石油销售有限公司"], "small"),
    ("4710", 8, ["芜湖{z}建筑工程有限公司", "安徽{z}建设集团有限公司"], "medium"),
    ("6110", 6, ["芜湖{z}大酒店有限公司", "芜湖市鸠江区{z}宾馆", "鸠江区{z}快捷酒店"], "small"),
    ("33", 8, ["芜湖{z}机械制造有限公司", "芜湖{z}精密科技有限公司", "芜湖{z}汽车零部件有限公司"], "medium"),
    ("51", 16, ["芜湖{z}商贸有限公司", "芜湖{z}贸易有限公司", "芜湖{z}科技有限公司"], "small"),
]
ZIHAO_A = "鑫瑞华恒盛泰宏兴隆昌裕德嘉福润金安江鸠鼎益信达宝丰和顺新佳锦龙凯"
ZIHAO_B = "源盛发丰达通利祥隆泰晟程辉旺业华康汇诚星宇航翔远景创联合"
STREETS = {
    Town.SIHESHAN: "四褐山街道龙山路", Town.YUXIKOU: "裕溪口街道沿河路", Town.GUANDOU: "官陡街道赤铸山东路",
    Town.WANLI: "湾里街道万春东路", Town.QINGSHUI: "清水街道清水河路", Town.SHENXIANG: "沈巷镇沈巷大道",
    Town.ERBA: "二坝镇二坝路", Town.TANGGOU: "汤沟镇汤沟大街", Town.BAIMAO: "白茆镇白茆路",
}
# Where the district's firms sit: the urban streets hold most of them.
TOWN_WEIGHTS = {Town.WANLI: 20, Town.GUANDOU: 18, Town.QINGSHUI: 14, Town.SIHESHAN: 12, Town.YUXIKOU: 8,
                Town.SHENXIANG: 9, Town.ERBA: 8, Town.TANGGOU: 6, Town.BAIMAO: 5}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def demo_uscc(n: int, *, individual: bool) -> str:
    prefix = "92340207MA" if individual else "91340207MA"
    body = ""
    for _ in range(7):
        n, r = divmod(n, len(USCC_ALPHABET))
        body = USCC_ALPHABET[r] + body
    first17 = prefix + body
    return first17 + uscc_check_char(first17)


def _enterprises(rng, industries):
    towns, weights = zip(*TOWN_WEIGHTS.items(), strict=True)
    kinds = [k for k in KINDS for _ in range(k[1])]
    rows = []
    for n in range(ENTERPRISE_COUNT):
        code, _share, patterns, size = rng.choice(kinds)
        town = rng.choices(towns, weights)[0]
        z = rng.choice(ZIHAO_A) + rng.choice(ZIHAO_B)
        credit = rng.choices("ABCD", [30, 50, 15, 5])[0]
        joins = rng.random() > 0.07
        roll = rng.random()
        if not joins:
            pool = Pool.NON_JOINT
        elif credit == "A" and roll < 0.35:
            pool = Pool.WHITELIST
        elif credit in "CD" and roll < 0.4:
            pool = Pool.KEY
        else:
            pool = Pool.JOINT
        individual = size == "individual"
        name = rng.choice(patterns).format(z=z)
        rows.append(Enterprise(
            uscc=demo_uscc(7_000_000 + n * 7919, individual=individual), name=name, name_initials=name_initials(name),
            town=town, address=f"芜湖市鸠江区{STREETS[town]}{rng.randrange(1, 400)}号", industry_id=industries.get(code),
            size=size, credit_class=credit, joins_joint=joins, pool=pool,
            contact_name=rng.choice(SURNAMES) + rng.choice(["先生", "女士", "经理"]),
            contact_phone=f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}"))
    return rows


# (lead code, member codes, industry code, title, months, target state, acting account)
PLANS = [
    ("SCJG", ["YJGL", "XFJY"], "62", "餐饮行业“综合查一次”联合检查计划", ["04", "05", "09", "10"], "published", "scjg_admin"),
    ("YJGL", ["XFJY", "STHJ"], "5169", "危险化学品经营企业联合检查计划", ["05", "06"], "filed", "yjgl_admin"),
    ("XFJY", ["YJGL", "SCJG"], "5265", "加油站安全联合检查计划", ["06", "11"], "submitted", "admin"),
    ("WSJK", ["SCJG"], "61", "住宿场所卫生与消防联合检查计划", ["07"], "returned", "admin"),
    ("ZJJ", ["YJGL", "XFJY"], "47", "建筑施工领域联合检查计划", ["03", "08"], "draft", "admin"),
]


def _plans(year, stdout=None):
    from matters.models import Industry, JointMatterList
    from subjects.models import Agency, User

    from .services import annual_plans, draw

    users = {u.username: u for u in User.objects.filter(username__in=["scjg_admin", "yjgl_admin", "admin",
                                                                       "sfj_shenhe"])}
    reviewer = users.get("sfj_shenhe") or users.get("admin")
    agencies = {a.code: a for a in Agency.objects.all()}
    made = 0
    for seq, (lead, members, industry_code, title, months, state, actor) in enumerate(PLANS):
        by = users.get(actor) or users.get("admin")
        if by is None or reviewer is None or lead not in agencies:
            continue
        if AnnualPlan.objects.filter(year=year, lead_agency=agencies[lead], title=title).exists():
            continue
        industry = Industry.objects.filter(code=industry_code).first()
        jml = JointMatterList.objects.filter(industry=industry, status="published").order_by("-version").first() \
            if industry else None
        plan = annual_plans.plan_create(
            by=by, year=year, title=title, lead_agency=agencies[lead], industry=industry, joint_matter_list=jml,
            member_agencies=[agencies[c] for c in members if c in agencies], months=[f"{year}-{m}" for m in months])
        if not draw.draw_frame(plan=plan):
            plan.industry = None  # the catalogue is not loaded yet: draw from the whole joint pool
            plan.save(update_fields=["industry"])
        draw.plan_draw(plan=plan, by=by, seed=f"jiujiang-{year}-{seq + 1}", percent=8 if plan.industry else 1,
                       stratify_by_credit=True)
        if state != "draft":
            plan, _w = annual_plans.plan_submit(plan=plan, by=by)
        if state == "returned":
            annual_plans.plan_return(plan=plan, by=reviewer, reason="抽取对象中有2家已列入其他部门计划，请核减后重新报送。")
        if state in ("filed", "published"):
            plan = annual_plans.plan_file(plan=plan, by=reviewer)
        if state == "published":
            annual_plans.plan_publish(plan=plan, by=by)
        made += 1
    return made


@transaction.atomic
def seed(*, stdout=None, today: date | None = None):
    from matters.models import Industry

    today = today or timezone.localdate()
    rng = random.Random(20250306)
    industries = dict(Industry.objects.filter(code__in=[k[0] for k in KINDS]).values_list("code", "id"))
    candidates = _enterprises(rng, industries)
    existing = set(Enterprise.objects.filter(uscc__in=[e.uscc for e in candidates]).values_list("uscc", flat=True))
    new = [e for e in candidates if e.uscc not in existing]
    Enterprise.objects.bulk_create(new, batch_size=1000)
    if new:
        ids = dict(Enterprise.objects.filter(uscc__in=[e.uscc for e in new]).values_list("uscc", "id"))
        reasons = {Pool.JOINT: "登记入库", Pool.WHITELIST: "信用A类、近三年无违法记录，纳入白名单",
                   Pool.KEY: "信用风险较高，纳入重点监管", Pool.NON_JOINT: "企业申请不参加联合检查"}
        PoolMembership.objects.bulk_create(
            [PoolMembership(enterprise_id=ids[e.uscc], pool=e.pool, reason=reasons[e.pool]) for e in new],
            batch_size=1000)
    plans = _plans(today.year, stdout)
    invitations = _invitations(today)
    if stdout:
        stdout.write(f"  检查对象 {Enterprise.objects.count()} 家（新增 {len(new)}），年度计划新增 {plans} 个，"
                     f"邀约新增 {invitations} 条")
    return len(new)


def _invitations(today):
    """邀约 in each state, made through the services (so they carry audit entries), once."""
    from subjects.models import User

    from .models import Invitation
    from .services.invitations import (
        invitation_accept,
        invitation_create,
        invitation_decline,
        invitation_done,
    )

    admin = User.objects.filter(username="scjg_admin").first()
    if admin is None or Invitation.objects.filter(agency=admin.agency).exists():
        return 0
    firms = list(Enterprise.objects.filter(is_active=True).order_by("uscc")[:4])
    if len(firms) < 4:
        return 0
    specs = [
        (firms[0], "guidance", 5, "食品安全主体责任落实行政指导（企业申请）", True, None),
        (firms[1], "research", 9, "个体工商户经营困难情况调研", False, None),
        (firms[2], "training", -6, "《食品安全法》合规培训进企业", False, "accept_done"),
        (firms[3], "service", 3, "惠企政策宣讲", False, "decline"),
    ]
    for firm, activity, days, purpose, by_enterprise, then in specs:
        inv = invitation_create(by=admin, enterprise=firm, agency=admin.agency, activity=activity,
                                date=today + timedelta(days=days), purpose=purpose, invited_by_enterprise=by_enterprise)
        if then == "accept_done":
            invitation_accept(invitation=inv, by=admin, reason="企业电话确认")
            invitation_done(invitation=inv, by=admin)
        elif then == "decline":
            invitation_decline(invitation=inv, by=admin, reason="企业近期停产检修，婉拒")
    return len(specs)
