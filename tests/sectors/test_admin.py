def test_admin_lists_searches_and_filters_cpv_codes(admin_client, catering_tree):
    url = "/admin/sectors/cpvcode/"

    listing = admin_client.get(url, {"q": "5552", "level__exact": "3"})
    assert listing.status_code == 200
    assert "Catering services" in listing.content.decode()
    assert "School-meal services" not in listing.content.decode()
    assert admin_client.get(url, {"division": "55"}).status_code == 200


def test_admin_change_page_keeps_the_code_fixed(admin_client, catering_tree):
    response = admin_client.get("/admin/sectors/cpvcode/55520000/change/")
    assert response.status_code == 200
    assert 'name="code"' not in response.content.decode()
    assert 'name="parent"' in response.content.decode()
