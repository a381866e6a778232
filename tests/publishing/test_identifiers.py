"""Authors' ORCID iDs and the institution's ROR id: checked when entered, shown where they help."""

import json

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from masthead.publishing.identifiers import orcid_check_character, validate_orcid, validate_ror
from masthead.publishing.models import Author

# Published examples: ORCID's own sample iD, and ROR ids of real organisations.
JOSIAH_CARBERRY = "0000-0002-1825-0097"


def test_an_orcid_id_pasted_as_a_link_is_stored_bare(db):
    author = Author(
        display_name="Ada Okafor", given_name="Ada", family_name="Okafor", slug="ada",
        orcid=" https://orcid.org/0000-0002-1825-0097 ",
    )  # fmt: skip
    author.full_clean()
    assert author.orcid == JOSIAH_CARBERRY


def test_an_orcid_id_with_a_mistyped_digit_is_refused_with_the_reason(db):
    author = Author(
        display_name="Ada Okafor", given_name="Ada", family_name="Okafor", slug="ada",
        orcid="0000-0002-1825-0098",
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        author.full_clean()
    assert "does not match the others" in str(refused.value.message_dict["orcid"])


def test_an_orcid_id_of_the_wrong_shape_is_refused():
    with pytest.raises(ValidationError, match="16 characters"):
        validate_orcid("0000-0002-1825")


@given(st.text(alphabet="0123456789", min_size=15, max_size=15), st.integers(0, 14), st.data())
def test_changing_any_one_digit_of_an_orcid_id_is_caught(digits, position, data):
    valid = digits + orcid_check_character(digits)
    validate_orcid("-".join(valid[i : i + 4] for i in range(0, 16, 4)))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != digits[position]]))
    typo = digits[:position] + other + digits[position + 1 :] + valid[15]
    with pytest.raises(ValidationError):
        validate_orcid("-".join(typo[i : i + 4] for i in range(0, 16, 4)))


@pytest.mark.parametrize("ror", ["03yrm5c26", "05dxps055", "02mhbdp94"])
def test_real_ror_ids_pass_their_check(ror):
    validate_ror(ror)


def test_a_ror_id_with_wrong_check_digits_is_refused():
    with pytest.raises(ValidationError, match="do not match"):
        validate_ror("03yrm5c27")


def test_the_institution_admin_stores_a_ror_link_as_the_bare_id(editor_client, institution):
    form = {
        "name": institution.name, "short_name": institution.short_name, "url": institution.url,
        "ror_id": "https://ror.org/03yrm5c26", "tagline": institution.tagline,
        "comment_guidelines": institution.comment_guidelines,
    }  # fmt: skip
    response = editor_client.post(f"/admin/publishing/institution/{institution.pk}/change/", form)
    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.ror_id == "03yrm5c26"


def test_the_author_page_links_the_orcid_record(client, ada):
    ada.orcid = JOSIAH_CARBERRY
    ada.save()
    page = client.get("/authors/ada-okafor/").content.decode()
    assert f'<a href="https://orcid.org/{JOSIAH_CARBERRY}" rel="me">' in page


def test_the_post_page_names_each_authors_orcid_after_the_author_and_in_json_ld(
    client, published_post, ada, institution
):
    ada.orcid = JOSIAH_CARBERRY
    ada.save()
    institution.ror_id = "03yrm5c26"
    institution.save()
    html = client.get("/energy/batteries-alone/").content.decode()
    ada_tag = html.index('<meta name="citation_author" content="Okafor, Ada">')
    orcid_tag = html.index(
        f'<meta name="citation_author_orcid" content="https://orcid.org/{JOSIAH_CARBERRY}">'
    )
    ben_tag = html.index('<meta name="citation_author" content="van der Berg, Ben">')
    assert ada_tag < orcid_tag < ben_tag
    assert html.count("citation_author_orcid") == 1
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["author"][0]["sameAs"] == f"https://orcid.org/{JOSIAH_CARBERRY}"
    assert "sameAs" not in data["author"][1]
    assert data["publisher"]["sameAs"] == "https://ror.org/03yrm5c26"
