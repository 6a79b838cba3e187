"""Issue 12 cases on the catalogue import and legal bases: citations, title rows, typed dates, date inputs."""
from datetime import date

import pytest

from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.testing import build_xlsx
from matters import services
from matters.citations import CitationError, canonical_title, parse_citations
from matters.imports import BASIS_HEADERS, MATTER_HEADERS, PROBLEM_HEADERS, STANDARD_HEADERS, catalogue_import
from matters.models import InspectionMatter, LegalBasis

from .factories import LegalBasisFactory

pytestmark = pytest.mark.django_db
LAW = "中华人民共和国食品安全法"


def workbook(bases, *, title_rows=0, code="SCJG-JC-001"):
    title = [["鸠江区市场监督管理局检查事项清单"]] * title_rows
    return build_xlsx({
        "事项": [*title, list(MATTER_HEADERS), [code, "食品经营许可情况检查", "SCJG", "", "", "否", ""]],
        "法定依据": [*title, list(BASIS_HEADERS), *[[code, *b] for b in bases]],
        "检查标准": [*title, list(STANDARD_HEADERS), [code, "是否取得食品经营许可证", ""]],
        "常见问题": [*title, list(PROBLEM_HEADERS), [code, "许可证过期仍经营", ""]],
    }, merges={"事项": ["A1:G1"]} if title_rows else None)


def test_case10_a_citation_pasted_whole_finds_the_real_basis_and_amending_flags_the_matter(anna, rita, agency_a):
    real = LegalBasisFactory(title=LAW, article="第一百一十条")
    catalogue_import(fileobj=workbook([[f"《{LAW}》第一百一十条", "法律", "", ""]]), by=anna)
    assert LegalBasis.objects.count() == 1
    matter = InspectionMatter.objects.get()
    assert list(matter.legal_bases.all()) == [real]
    matter.status = InspectionMatter.Status.PUBLISHED
    matter.save(update_fields=["status"])
    services.legal_basis_update(basis=real, by=rita, status=LegalBasis.Status.AMENDED, reason="修正")
    matter.refresh_from_db()
    assert matter.status == InspectionMatter.Status.NEEDS_ADJUSTMENT


def test_citation_variant_several_in_one_cell_and_whitespace_in_titles(anna, agency_a):
    real = LegalBasisFactory(title=LAW, article="第一百一十条")
    cell = "《中华人民共和国 食品安全法》第一百一十条、\n《食品经营许可和备案管理办法》第五十条"
    catalogue_import(fileobj=workbook([[cell, "法律", "", ""]]), by=anna)
    bases = sorted((b.title, b.article) for b in InspectionMatter.objects.get().legal_bases.all())
    assert bases == [("中华人民共和国食品安全法", "第一百一十条"), ("食品经营许可和备案管理办法", "第五十条")]
    assert LegalBasis.objects.filter(title=LAW).get() == real


@pytest.mark.parametrize("cell", [f"{LAW}》第一百一十条", f"《{LAW}第一百一十条", f"参照《{LAW}》", "《》第一条"])
def test_citation_a_left_over_mark_is_refused(anna, agency_a, cell):
    with pytest.raises(ValidationFailed) as exc:
        catalogue_import(fileobj=workbook([[cell, "法律", "", ""]]), by=anna)
    assert any(e["field"] == "法律法规名称" for e in exc.value.detail["rows"])
    assert LegalBasis.objects.count() == 0 and InspectionMatter.objects.count() == 0


def test_citation_parser_units():
    assert parse_citations(LAW, "第十条") == [(LAW, "第十条")]
    assert parse_citations(f"《{LAW}》", "第十条") == [(LAW, "第十条")]
    assert parse_citations(f"《{LAW}》第一条；《{LAW}》第一条") == [(LAW, "第一条")]
    assert canonical_title(f" 《{LAW}》 ") == LAW
    with pytest.raises(CitationError):
        canonical_title(f"{LAW}》")


def test_legal_basis_service_refuses_a_left_over_mark(rita):
    with pytest.raises(ValidationFailed) as exc:
        services.legal_basis_create(by=rita, title=f"{LAW}》第一百一十条", level="law")
    assert "title" in exc.value.detail


def test_case4_catalogue_with_title_rows_above_every_header(anna, agency_a):
    assert catalogue_import(fileobj=workbook([[LAW, "法律", "第一条", ""]], title_rows=1), by=anna)["created"] == 1


@pytest.mark.parametrize("typed", ["2015.10.1", "2015/10/1", "2015年10月1日"])
def test_case2_typed_effective_dates(anna, agency_a, typed):
    catalogue_import(fileobj=workbook([[LAW, "法律", "第一条", typed]]), by=anna)
    assert LegalBasis.objects.get().effective_date == date(2015, 10, 1)


def test_case14_legal_basis_edit_form_shows_and_keeps_the_date(client, rita):
    basis = LegalBasisFactory(title=LAW, article="第一条", effective_date=date(2029, 8, 16))
    client.force_login(rita)
    page = client.get(f"/matters/legal-bases/{basis.pk}/edit/").content.decode()
    assert 'value="2029-08-16"' in page
