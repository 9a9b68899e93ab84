import pytest

from detector.rules.url import UrlRecognizer
from tests.detector.rules_helpers import values

R = UrlRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("see https://www.linkedin.com/in/maria-gonzalez-123/ for my cv", "https://www.linkedin.com/in/maria-gonzalez-123/"),
    ("repo: https://github.com/kaggle/docker-python.", "https://github.com/kaggle/docker-python"),
    ('fetch("https://busapi.amithv.xyz/api/v1/schedules?x=1")', "https://busapi.amithv.xyz/api/v1/schedules?x=1"),
    ("(https://bit.ly/3HZ9fMe)", "https://bit.ly/3HZ9fMe"),
    ("http://10.17.22.102:8082/ui/native/", "http://10.17.22.102:8082/ui/native/"),
    ("visit www.polarisagency.com/seo/b2b-seo/ now", "www.polarisagency.com/seo/b2b-seo/"),
    ("our site cowrywise.com is down", "cowrywise.com"),
    ("https://en.wikipedia.org/wiki/Foo_(bar) is public", None),
])
def test_urls(text, expected):
    assert values(R, text) == ([expected] if expected else [])


@pytest.mark.parametrize("text", [
    "read https://en.wikipedia.org/wiki/Privacy",
    "licence at https://mozilla.org/MPL/2.0/",
    "call https://api.openai.com/v1/chat/completions",
    "http://localhost:3333/start_recording",
    "cdn https://unpkg.com/tailwindcss@^2/dist/tailwind.min.css",
    "http://www.example.com/page?id=1",
    "see RFC https://tools.ietf.org/html/rfc7231",
    "open main.py and index.html",
    "call os.path.join",
    "no links here",
])
def test_public_reference_and_non_urls_are_ignored(text):
    assert values(R, text) == []


@pytest.mark.parametrize("text", [
    "java.io.IOException: No space left on device",
    "features of a modern system of electrical energy distribution.It should be remembered",
])
def test_dotted_names_and_run_on_sentences_are_not_domains(text):
    assert values(R, text) == []


def test_a_bare_domain_still_counts():
    assert values(R, "see my shop at mybakery.com for prices") == ["mybakery.com"]
