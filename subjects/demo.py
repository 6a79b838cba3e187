"""Demo data for 鸠江区: real district agencies, the 9 towns and streets, inspectors with certificates
in every state, and one account per role. Idempotent: running it again changes nothing."""
import random
from datetime import date, timedelta

from django.db import transaction

from .models import Agency, Certificate, Inspector, User
from .validators import id_number_with_check

DEMO_PASSWORD = "Jiujiang@2026"

# (code, name, short name, kind, entrusting code, enforcement field)
AGENCIES = [
    ("SCJG", "鸠江区市场监督管理局", "区市场监管局", "statutory", None, "市场监管"),
    ("YJGL", "鸠江区应急管理局", "区应急管理局", "statutory", None, "安全生产"),
    ("STHJ", "芜湖市生态环境局鸠江分局", "生态环境分局", "statutory", None, "生态环境"),
    ("XFJY", "鸠江区消防救援大队", "区消防救援大队", "authorized", None, "消防"),
    ("WSJK", "鸠江区卫生健康委员会", "区卫生健康委", "statutory", None, "卫生健康"),
    ("WJZD", "鸠江区卫生健康综合监督执法大队", "区卫健执法大队", "entrusted", "WSJK", "卫生健康"),
    ("ZJJ", "鸠江区住房和城乡建设局", "区住建局", "statutory", None, "住房城乡建设"),
    ("JTYS", "鸠江区交通运输局", "区交通运输局", "statutory", None, "交通运输"),
    ("NYSL", "鸠江区农业农村水利局", "区农业农村水利局", "statutory", None, "农业农村"),
    ("RSJ", "鸠江区人力资源和社会保障局", "区人社局", "statutory", None, "劳动保障监察"),
    ("SWJ", "鸠江区商务局", "区商务局", "statutory", None, "商务"),
    ("WLT", "鸠江区文化旅游体育局", "区文旅体局", "statutory", None, "文化旅游"),
    ("CGJ", "鸠江区城市管理局", "区城管局", "statutory", None, "城市管理"),
    ("SFJ", "鸠江区司法局", "区司法局", "statutory", None, "行政执法监督"),
    ("JYJ", "鸠江区教育局", "区教育局", "statutory", None, "教育"),
    ("MZJ", "鸠江区民政局", "区民政局", "statutory", None, "民政"),
    ("ZRZY", "芜湖市自然资源和规划局鸠江分局", "自然资源分局", "statutory", None, "自然资源"),
    ("TJJ", "鸠江区统计局", "区统计局", "statutory", None, "统计"),
    ("YBJ", "鸠江区医疗保障局", "区医保局", "statutory", None, "医疗保障"),
    ("FGW", "鸠江区发展和改革委员会", "区发改委", "statutory", None, "价格与能源"),
    ("JXJ", "鸠江区经济和信息化局", "区经信局", "statutory", None, "工业和信息化"),
    ("SJZY", "鸠江区数据资源管理局", "区数据资源局", "statutory", None, "数据资源"),
    ("GAFJ", "芜湖市公安局鸠江分局", "公安分局", "statutory", None, "治安管理"),
    ("TYJR", "鸠江区退役军人事务局", "区退役军人事务局", "statutory", None, "退役军人事务"),
    ("RFB", "鸠江区人民防空办公室", "区人防办", "statutory", None, "人民防空"),
    ("QXJ", "鸠江区气象局", "区气象局", "statutory", None, "气象"),
    ("YCJ", "芜湖市烟草专卖局鸠江区分局", "烟草专卖分局", "statutory", None, "烟草专卖"),
    ("LYJ", "鸠江区林业发展中心", "区林业中心", "authorized", None, "林业"),
    ("SHJ", "鸠江区水务局", "区水务局", "statutory", None, "水务"),
    ("ZXJD", "鸠江区城市管理综合执法大队", "区城管执法大队", "entrusted", "CGJ", "城市管理"),
    # 5 streets and 4 towns (综合行政执法)
    ("JD-SHS", "四褐山街道办事处", "四褐山街道", "statutory", None, "综合行政执法"),
    ("JD-YXK", "裕溪口街道办事处", "裕溪口街道", "statutory", None, "综合行政执法"),
    ("JD-GD", "官陡街道办事处", "官陡街道", "statutory", None, "综合行政执法"),
    ("JD-WL", "湾里街道办事处", "湾里街道", "statutory", None, "综合行政执法"),
    ("JD-QS", "清水街道办事处", "清水街道", "statutory", None, "综合行政执法"),
    ("Z-SX", "沈巷镇人民政府", "沈巷镇", "statutory", None, "综合行政执法"),
    ("Z-EB", "二坝镇人民政府", "二坝镇", "statutory", None, "综合行政执法"),
    ("Z-TG", "汤沟镇人民政府", "汤沟镇", "statutory", None, "综合行政执法"),
    ("Z-BM", "白茆镇人民政府", "白茆镇", "statutory", None, "综合行政执法"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞",
         "平", "刚", "桂英", "文", "华", "建国", "志强", "海燕", "晓东", "玉兰", "立新", "春梅", "国庆", "红", "浩然", "子涵",
         "宇航", "思远", "雨桐", "俊杰", "慧敏"]

# Demo accounts: (username, role, agency code, display name, linked inspector index or None)
ACCOUNTS = [
    ("sfj_shenhe", "reviewer", "SFJ", "司法局审核员 周婷", None),
    ("scjg_admin", "agency_admin", "SCJG", "市场监管局管理员 吴刚", None),
    ("scjg_zhifa", "inspector", "SCJG", None, 0),
    ("yjgl_admin", "agency_admin", "YJGL", "应急管理局管理员 许静", None),
    ("yjgl_zhifa", "inspector", "YJGL", None, 0),
    ("xfjy_zhifa", "inspector", "XFJY", None, 0),
]


def _inspector_count(code):
    if code.startswith(("JD-", "Z-")):
        return 3
    return {"SCJG": 12, "YJGL": 8, "STHJ": 6, "XFJY": 6, "WSJK": 4, "WJZD": 5, "ZJJ": 6, "CGJ": 5,
            "ZXJD": 6, "SFJ": 2}.get(code, 4)


# 机关代字 of document numbers (docs/documents.md "Numbers"); agencies not listed print their short name.
DOC_ABBREVIATIONS = {"SCJG": "鸠市监", "YJGL": "鸠应急", "STHJ": "芜环鸠", "XFJY": "鸠消", "ZJJ": "鸠建", "CGJ": "鸠城管",
                     "JTYS": "鸠交", "RSJ": "鸠人社", "SFJ": "鸠司"}


@transaction.atomic
def seed(*, stdout=None, today: date | None = None):
    today = today or date.today()
    rng = random.Random(20250101)
    agencies = {}
    for code, name, short, kind, entrusting, _field in AGENCIES:
        agency, _ = Agency.objects.get_or_create(code=code, defaults={
            "name": name, "short_name": short, "kind": kind, "is_town": code.startswith(("JD-", "Z-")),
            "entrusting_agency": agencies.get(entrusting),
            "power_basis": f"《中华人民共和国行政处罚法》及{_field}领域法律法规规定的行政检查职权",
            "doc_abbreviation": DOC_ABBREVIATIONS.get(code, ""),
        })
        agencies[code] = agency
    serial = 0
    by_agency = {}
    for code, _name, _short, _kind, _entrusting, field in AGENCIES:
        agency = agencies[code]
        people = []
        for k in range(_inspector_count(code)):
            serial += 1
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            birth = date(1968, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30))
            idn = id_number_with_check(f"340207{birth:%Y%m%d}{serial % 1000:03d}")
            helper = k == _inspector_count(code) - 1 and _inspector_count(code) >= 5
            # Draw every random value before branching so a re-run sees the same sequence.
            position = rng.choice(["科员", "一级主办", "二级主办", "四级主任科员", "队长"])
            days_from, days_soon, days_past, days_long = (rng.randrange(200, 1500), rng.randrange(5, 28),
                                                          rng.randrange(10, 200), rng.randrange(300, 1800))
            inspector, created = Inspector.objects.get_or_create(id_number=idn, defaults={
                "agency": agency, "name": name, "phone": f"1390553{serial:04d}", "is_helper": helper,
                "position": "辅助人员" if helper else position,
            })
            if created and not helper:
                # A spread of certificate states: most valid, some expiring, expired or suspended.
                state = serial % 17
                valid_from = today - timedelta(days=days_from)
                if state == 3:
                    valid_until, status = today + timedelta(days=days_soon), "valid"
                elif state == 7:
                    valid_until, status = today - timedelta(days=days_past), "valid"
                elif state == 11:
                    valid_until, status = today + timedelta(days=600), "suspended"
                else:
                    valid_until, status = today + timedelta(days=days_long), "valid"
                if serial <= 3 or code in ("SCJG", "YJGL", "XFJY") and k < 3:
                    valid_until, status = today + timedelta(days=900), "valid"
                Certificate.objects.create(
                    inspector=inspector, number=f"皖{340207}{serial:06d}", issuer="芜湖市人民政府",
                    field=field, valid_from=valid_from, valid_until=valid_until, status=status)
            people.append(inspector)
        by_agency[code] = people
    for username, role, code, display, idx in ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        inspector = by_agency[code][idx] if idx is not None else None
        user = User(username=username, role=role, agency=agencies[code], inspector=inspector,
                    display_name=display or f"{agencies[code].short_name}执法人员 {inspector.name}")
        user.set_password(DEMO_PASSWORD)
        user.save()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", password=DEMO_PASSWORD, role="reviewer", agency=agencies["SFJ"],
                                      display_name="系统管理员")
    if stdout:
        stdout.write(f"  执法主体 {Agency.objects.count()} 个，执法人员 {Inspector.objects.count()} 人，账号 {User.objects.count()} 个")
    return agencies
