"""The report snapshot as an Excel workbook (jiujiang_inspect.excel.workbook_response)."""
from jiujiang_inspect.excel import workbook_response

from .figures import KEY_FIGURES, LABELS


def key_rows(figures: dict):
    """(label, current, previous, change, change %) for each key figure of the snapshot."""
    for key in KEY_FIGURES:
        cmp = figures["comparison"].get(key, {})
        yield [LABELS[key], figures["key"].get(key), cmp.get("previous"), cmp.get("change"), cmp.get("change_pct")]


def report_workbook(report):
    f = report.figures
    labels = f["labels"]
    sheets = [
        ("关键指标", ["指标", f"本期（{f['period']['start']}至{f['period']['end']}）",
                   f"上期（{f['previous_period']['start']}至{f['previous_period']['end']}）", "增减", "增减%"],
         list(key_rows(f))),
        ("分单位", ["单位代码", "单位名称", "参与检查", "联合检查", "现场检查", "发现问题", "赋码", "触发式备案", "结果互认",
                 "企业评议数", "平均评分（≥5份才显示）"],
         [[r["agency"], r["name"], r["inspections"], r["joint"], r["onsite"], r["problems"], r["codes"],
           r["triggered_filings"], r["recognitions"], r["evaluations"], r["avg_rating"]] for r in f["agencies"]]),
        ("触发式备案来源", ["来源", "件数"],
         [[labels["sources"].get(k, k), v] for k, v in f["key"]["triggered_by_source"].items()]),
        ("监督案件", ["分类", "项目", "件数"],
         [["状态", labels["case_status"].get(k, k), v] for k, v in f["supervision_cases"]["by_status"].items()]
         + [["来源", labels["case_source"].get(k, k), v] for k, v in f["supervision_cases"]["by_source"].items()]
         + [["措施", labels["measures"].get(k, k), v] for k, v in f["supervision_cases"]["measures_by_kind"].items()]),
        ("典型案例", ["标题", "类型", "类别", "基本案情", "处理结果", "指导意义"],
         [[c["title"], c["kind"], c["category"], c["facts"], c["handling"], c["lesson"]] for c in f["typical_cases"]]),
    ]
    return workbook_response(f"{report.title}_第{report.version}版.xlsx", sheets)
