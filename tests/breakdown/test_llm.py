"""The language-model pass against a real local server that speaks the chat completions protocol."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from backlot.breakdown import llm
from backlot.breakdown.lexicon import load_lexicon
from backlot.breakdown.llm import LlmTagger, default_cache_dir, merge_tags
from backlot.breakdown.models import Category, Tag
from backlot.breakdown.tagging import CastIndex, tag_scene
from backlot.errors import BacklotError
from backlot.script.fountain import parse_fountain
from backlot.script.models import Scene

C = Category

SCRIPT = """\
INT. KITCHEN - NIGHT

MARY, 30s, drops a KNIFE.
Rain lashes the window.

MARY
(whispering)
Who is there?

EXT. STREET - DAY

A dog barks.
"""

# What a model might answer for the kitchen: five good tags, five that must not get through.
KITCHEN_TAGS: list[Any] = [
    {"category": "cast", "name": "Mary", "line": 3, "evidence": "MARY"},
    {"category": "weapons", "name": "knives", "line": 3, "evidence": "a knife"},
    {"category": "set_dressing", "name": "window", "line": 4, "evidence": "the window"},
    {"category": "sound", "name": "whisper", "line": 7, "evidence": "whispering"},
    # Evidence may run over a line break of the action.
    {"category": "weather", "name": "rain", "line": 4, "evidence": "KNIFE. Rain lashes"},
    {"category": "catering", "name": "sandwich", "line": 3, "evidence": "MARY"},
    {"category": "weapons", "name": "shotgun", "line": 3, "evidence": "a shotgun"},
    {"category": "props", "name": "knife", "line": 12, "evidence": "KNIFE"},
    {"category": "props"},
    "a knife",
]
STREET_TAGS = [{"category": "animals", "name": "dog", "line": 12, "evidence": "A dog"}]

KITCHEN_EXPECTED = [
    Tag(category=C.CAST, name="MARY", line=3, evidence="MARY", source="llm"),
    Tag(category=C.WEAPONS, name="knife", line=3, evidence="a knife", source="llm"),
    Tag(category=C.SET_DRESSING, name="window", line=4, evidence="the window", source="llm"),
    Tag(category=C.SOUND, name="whisper", line=7, evidence="whispering", source="llm"),
    Tag(category=C.WEATHER, name="rain", line=4, evidence="KNIFE. Rain lashes", source="llm"),
]


def completion(content: str) -> tuple[int, str]:
    """A 200 chat completion whose assistant message is `content`."""
    return 200, json.dumps(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": "test-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
        }
    )


def canned(body: dict[str, Any]) -> tuple[int, str]:
    """Answer by the scene in the request, as a model would."""
    scene = body["messages"][-1]["content"]
    tags = KITCHEN_TAGS if "KITCHEN" in scene else STREET_TAGS
    return completion(json.dumps({"tags": tags}))


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeLlm:
    """The server's state: what it was asked, and how it answers (replace `respond`)."""

    base_url: str = ""
    requests: list[Request] = field(default_factory=list)
    respond: Callable[[dict[str, Any]], tuple[int, str]] = canned


def _handler(state: FakeLlm) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = json.loads(raw)
            headers = {key.lower(): value for key, value in self.headers.items()}
            state.requests.append(Request(self.path, headers, body))
            if self.path == "/v1/chat/completions":
                status, text = state.respond(body)
            else:
                status, text = 404, json.dumps({"error": {"message": "not found"}})
            payload = text.encode()
            # The timeout test's client has gone by the time the answer is ready.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output clean."""

    return Handler


@pytest.fixture
def server() -> Iterator[FakeLlm]:
    state = FakeLlm()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    # A short poll makes shutdown quick (the default waits up to half a second).
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own key and a retry pause must not leak into the tests."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setattr(llm, "RETRY_DELAY_S", 0.0)


@pytest.fixture(scope="module")
def scenes() -> list[Scene]:
    return parse_fountain(SCRIPT).scenes


def tagger(server: FakeLlm, tmp_path: Path, **kwargs: Any) -> LlmTagger:
    return LlmTagger(server.base_url, "test-model", cache_dir=tmp_path / "cache", **kwargs)


def test_tags_are_validated_against_the_scene(
    server: FakeLlm, tmp_path: Path, scenes: list[Scene]
) -> None:
    t = tagger(server, tmp_path)
    assert t.tag_scene(scenes[0]) == KITCHEN_EXPECTED
    # Unknown category, hallucinated evidence, a line of the next scene, two malformed.
    assert t.dropped == 5


def test_prompt_numbers_every_script_line(
    server: FakeLlm, tmp_path: Path, scenes: list[Scene]
) -> None:
    tagger(server, tmp_path).tag_scene(scenes[0])
    system, user = server.requests[0].body["messages"]
    assert system["role"] == "system"
    for category in Category:
        assert category.value in system["content"]
    rows = user["content"].splitlines()
    assert user["role"] == "user"
    assert "1| INT. KITCHEN - NIGHT" in rows
    assert "3| MARY, 30s, drops a KNIFE." in rows
    assert "4| Rain lashes the window." in rows
    assert any(row.startswith("6|") and row.endswith("MARY") for row in rows)
    assert any(row.startswith("8|") and row.endswith("Who is there?") for row in rows)
    assert "A dog barks." not in user["content"]


def test_request_follows_the_chat_completions_protocol(
    server: FakeLlm, tmp_path: Path, scenes: list[Scene]
) -> None:
    tagger(server, tmp_path, api_key="sk-test").tag_scene(scenes[0])
    (request,) = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.headers["content-type"] == "application/json"
    assert request.body["model"] == "test-model"
    assert request.body["temperature"] == 0
    assert request.body["seed"] == 0
    assert request.body["response_format"] == {"type": "json_object"}


def test_api_key_comes_from_the_environment(
    server: FakeLlm, tmp_path: Path, scenes: list[Scene], monkeypatch: pytest.MonkeyPatch
) -> None:
    tagger(server, tmp_path / "a").tag_scene(scenes[0])
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    tagger(server, tmp_path / "b").tag_scene(scenes[0])
    assert "authorization" not in server.requests[0].headers
    assert server.requests[1].headers["authorization"] == "Bearer sk-env"


def test_fenced_json_is_accepted(server: FakeLlm, tmp_path: Path, scenes: list[Scene]) -> None:
    fenced = "Here is the breakdown:\n```json\n" + json.dumps({"tags": STREET_TAGS}) + "\n```\n"
    server.respond = lambda body: completion(fenced)
    assert tagger(server, tmp_path).tag_scene(scenes[1]) == [
        Tag(category=C.ANIMALS, name="dog", line=12, evidence="A dog", source="llm")
    ]


def test_cache_answers_without_a_request(
    server: FakeLlm, tmp_path: Path, scenes: list[Scene]
) -> None:
    t = tagger(server, tmp_path)
    first = t.tag_scene(scenes[0])
    assert t.tag_scene(scenes[0]) == first
    assert len(server.requests) == 1
    # Another run (a new tagger) reads the same cache.
    assert tagger(server, tmp_path).tag_scene(scenes[0]) == first
    assert len(server.requests) == 1
    # Another scene, or another model, is another question.
    t.tag_scene(scenes[1])
    assert len(server.requests) == 2
    LlmTagger(server.base_url, "other-model", cache_dir=tmp_path / "cache").tag_scene(scenes[0])
    assert len(server.requests) == 3
    files = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert len(files) == 3
    assert all(name.endswith(".json") and not name.startswith(".") for name in files)


def test_cache_holds_only_validated_tags(
    server: FakeLlm, tmp_path: Path, scenes: list[Scene]
) -> None:
    tagger(server, tmp_path).tag_scene(scenes[0])
    (path,) = (tmp_path / "cache").iterdir()
    cached = json.loads(path.read_text(encoding="utf-8"))
    assert [item["name"] for item in cached["tags"]] == [t.name for t in KITCHEN_EXPECTED]


def test_damaged_cache_file_is_a_miss(server: FakeLlm, tmp_path: Path, scenes: list[Scene]) -> None:
    t = tagger(server, tmp_path)
    t.tag_scene(scenes[1])
    (path,) = (tmp_path / "cache").iterdir()
    path.write_text("{", encoding="utf-8")
    assert len(t.tag_scene(scenes[1])) == 1
    assert len(server.requests) == 2


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BACKLOT_CACHE", str(tmp_path))
    assert default_cache_dir() == tmp_path / "llm"
    monkeypatch.delenv("BACKLOT_CACHE")
    assert default_cache_dir() == Path.home() / ".cache" / "backlot" / "llm"


def test_merge_marks_the_source_of_each_tag(
    server: FakeLlm, tmp_path: Path, scenes: list[Scene]
) -> None:
    rules = tag_scene(scenes[0], CastIndex.from_names(["MARY"]), load_lexicon()).tags
    merged = merge_tags(rules, tagger(server, tmp_path).tag_scene(scenes[0]))
    assert [(t.category, t.name, t.source) for t in merged] == [
        (C.CAST, "MARY", "rules+llm"),
        (C.WEAPONS, "knife", "rules+llm"),
        (C.SPECIAL_EFFECTS, "rain", "rules"),
        (C.WEATHER, "rain", "rules+llm"),
        (C.ADDITIONAL_LABOUR, "armorer", "rules"),
        (C.SECURITY, "weapons safety", "rules"),
        (C.SET_DRESSING, "window", "llm"),
        (C.SOUND, "whisper", "llm"),
    ]
    # A tag both found keeps the rules' evidence.
    assert merged[1].evidence == "KNIFE"


def test_merge_orders_and_deduplicates_model_tags() -> None:
    def tag(category: Category, name: str, line: int, source: str) -> Tag:
        return Tag(category=category, name=name, line=line, evidence=name, source=source)

    rules = [tag(C.PROPS, "lamp", 9, "rules"), tag(C.PROPS, "cup", 2, "rules")]
    model = [
        tag(C.PROPS, "vase", 5, "llm"),
        tag(C.PROPS, "LAMP", 1, "llm"),
        tag(C.WARDROBE, "coat", 3, "llm"),
        tag(C.PROPS, "coat", 3, "llm"),
        tag(C.PROPS, "vase", 4, "llm"),
    ]
    merged = merge_tags(rules, model)
    assert [(t.category, t.name, t.line, t.source) for t in merged] == [
        (C.PROPS, "lamp", 9, "rules+llm"),
        (C.PROPS, "cup", 2, "rules"),
        (C.PROPS, "coat", 3, "llm"),
        (C.WARDROBE, "coat", 3, "llm"),
        (C.PROPS, "vase", 4, "llm"),
    ]
    assert rules[0].source == "rules", "the inputs are not changed"
    assert merge_tags(rules, []) == rules


def test_server_error_names_the_url_after_one_retry(
    server: FakeLlm, tmp_path: Path, scenes: list[Scene]
) -> None:
    server.respond = lambda body: (500, json.dumps({"error": {"message": "model not loaded"}}))
    with pytest.raises(BacklotError) as info:
        tagger(server, tmp_path).tag_scene(scenes[0])
    assert str(info.value) == (
        f"{server.base_url}: HTTP 500 Internal Server Error: model not loaded"
    )
    assert len(server.requests) == 2
    # A failure is not cached: once the server is back, the scene is asked again.
    server.respond = canned
    assert tagger(server, tmp_path).tag_scene(scenes[0]) == KITCHEN_EXPECTED


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((401, json.dumps({"error": {"message": "bad key"}})), "HTTP 401 Unauthorized: bad key"),
        ((307, ""), "HTTP 307 Temporary Redirect"),
    ],
)
def test_client_error_and_redirect_are_not_retried(
    server: FakeLlm,
    tmp_path: Path,
    scenes: list[Scene],
    answer: tuple[int, str],
    message: str,
) -> None:
    server.respond = lambda body: answer
    with pytest.raises(BacklotError) as info:
        tagger(server, tmp_path).tag_scene(scenes[0])
    assert str(info.value) == f"{server.base_url}: {message}"
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            (200, "<html>gateway</html>"),
            "the answer is not a chat completion: <html>gateway</html>",
        ),
        ((200, json.dumps({"choices": []})), "the answer is not a chat completion"),
        (completion("I cannot help\nwith that."), "the model's answer is not JSON: I cannot help"),
        (completion("[1, 2]"), "the model's answer is not a JSON object"),
        (completion('{"items": []}'), 'the model\'s answer has no "tags" list'),
    ],
)
def test_garbage_answers_name_the_url(
    server: FakeLlm,
    tmp_path: Path,
    scenes: list[Scene],
    answer: tuple[int, str],
    message: str,
) -> None:
    server.respond = lambda body: answer
    with pytest.raises(BacklotError) as info:
        tagger(server, tmp_path).tag_scene(scenes[0])
    text = str(info.value)
    assert text.startswith(f"{server.base_url}: {message}")
    assert "\n" not in text
    assert not (tmp_path / "cache").exists()


def test_connection_refused_names_the_url(tmp_path: Path, scenes: list[Scene]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(BacklotError) as info:
        LlmTagger(url, "test-model", cache_dir=tmp_path).tag_scene(scenes[0])
    assert str(info.value) == f"{url}: connection refused"


def test_timeout_names_the_url(server: FakeLlm, tmp_path: Path, scenes: list[Scene]) -> None:
    done = threading.Event()

    def slow(body: dict[str, Any]) -> tuple[int, str]:
        done.wait(5)
        return canned(body)

    server.respond = slow
    try:
        with pytest.raises(BacklotError) as info:
            tagger(server, tmp_path, timeout=0.2).tag_scene(scenes[0])
    finally:
        done.set()
    assert str(info.value) == f"{server.base_url}: no answer within 0.2 s"
    assert len(server.requests) == 1
