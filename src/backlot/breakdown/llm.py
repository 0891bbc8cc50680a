"""The optional language-model pass: scene → tags from an OpenAI-compatible chat endpoint.

Any server that speaks the chat completions protocol works (Ollama, vLLM, llama.cpp
server, hosted APIs). The model is asked for JSON in the breakdown schema; every tag it
returns is checked against the scene (known category, a line of the scene, evidence that
is really in the script) so a hallucination cannot reach the breakdown. Answers are cached
by content hash, so re-running a breakdown costs no requests for scenes that did not change.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from pydantic import ValidationError

from backlot.breakdown.lexicon import singular
from backlot.breakdown.models import Category, Tag
from backlot.errors import BacklotError
from backlot.script.models import ElementType, Scene

# Bump when the prompt's meaning or the cached JSON's shape changes: old answers are ignored.
SCHEMA_VERSION = 1
# A 5xx or a dropped connection is often a server still loading its model; wait, try once more.
RETRY_DELAY_S = 1.0

# Where each element type sits on a printed page (cells from the left margin of the text):
# a model reads a script laid out as a script more reliably than one labelled by type.
_INDENT = {
    ElementType.CHARACTER: 20,
    ElementType.PARENTHETICAL: 15,
    ElementType.DIALOGUE: 10,
    ElementType.TRANSITION: 40,
    ElementType.CENTERED: 20,
    ElementType.LYRICS: 10,
}
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)

_SYSTEM_PROMPT = """\
You are a first assistant director breaking down one screenplay scene for production.
List every element the production must provide for the scene: cast, extras, props,
wardrobe, vehicles, animals, effects, sounds, weather and so on.

The scene is given one script line per row, each row starting with its line number and "|".

Answer with a single JSON object and nothing else:
{"tags": [{"category": "...", "name": "...", "line": 0, "evidence": "..."}]}

- category: one of <categories>.
- name: a lower-case singular noun ("pistol", "police officer"); for cast, the
  character's name in capitals as the script writes it ("MARY").
- line: the number of the row the evidence is on.
- evidence: the exact words of the script the tag comes from, copied verbatim
  (without the line number).

Tag only what the words of the scene show. Do not invent elements.""".replace(
    "<categories>", ", ".join(c.value for c in Category)
)


class _TransientError(BacklotError):
    """A failure worth one more try: a dropped connection or a server error (5xx)."""


def default_cache_dir() -> Path:
    """Where answers are cached: $BACKLOT_CACHE (or ~/.cache/backlot), subfolder llm."""
    root = os.environ.get("BACKLOT_CACHE")
    return (Path(root) if root else Path.home() / ".cache" / "backlot") / "llm"


class LlmTagger:
    """Tags scenes with a language model behind an OpenAI-compatible chat endpoint.

    `dropped` counts the tags the model returned that failed validation, over all calls
    that reached the model (a cache hit holds only validated tags).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        cache_dir: Path | None = None,
        timeout: float = 120.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self.timeout = timeout
        self.dropped = 0

    def tag_scene(self, scene: Scene) -> list[Tag]:
        """The model's validated tags for one scene, each with source="llm"."""
        rows = _numbered_rows(scene)
        messages = [
            {"role": "system", "content": _SYSTEM_PROMPT},
            {
                "role": "user",
                "content": f"Scene {scene.number}: {scene.heading}\n\n" + "\n".join(rows),
            },
        ]
        key = _cache_key(self.model, messages)
        cached = self._read_cache(key)
        if cached is not None:
            return cached
        answer = _parse_content(self._complete(messages), self.base_url)
        tags = self._validate(answer, scene)
        self._write_cache(key, tags)
        return tags

    def _complete(self, messages: list[dict[str, str]]) -> str:
        """POST the chat completion and return the assistant's text (one retry if transient)."""
        body = {
            "model": self.model,
            "messages": messages,
            # Deterministic answers, so a cached answer is the answer a re-run would get.
            "temperature": 0,
            "seed": 0,
            "response_format": {"type": "json_object"},
        }
        try:
            response = self._post(body)
        except _TransientError:
            time.sleep(RETRY_DELAY_S)
            response = self._post(body)
        return _message_content(response, self.base_url)

    def _post(self, body: dict[str, Any]) -> httpx.Response:
        """One request; anything but a successful answer raises."""
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            response = httpx.post(
                f"{self.base_url}/chat/completions",
                json=body,
                headers=headers,
                timeout=self.timeout,
            )
        except httpx.TimeoutException as exc:
            # A model that took the whole timeout would take it again: not transient.
            raise self._error(f"no answer within {self.timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise _TransientError(f"{self.base_url}: {_transport_reason(exc)}") from exc
        if response.status_code >= 500:
            raise _TransientError(f"{self.base_url}: {_status_reason(response)}")
        # A redirect is an error too: re-sending a POST elsewhere is the user's call.
        if not response.is_success:
            raise self._error(_status_reason(response))
        return response

    def _validate(self, answer: dict[str, Any], scene: Scene) -> list[Tag]:
        """The answer's tags that hold up against the scene; the rest are counted in `dropped`."""
        items = answer.get("tags")
        if not isinstance(items, list):
            raise self._error('the model\'s answer has no "tags" list')
        first, last = _line_span(scene)
        text = _squash(_scene_text(scene))
        tags: list[Tag] = []
        for item in items:
            tag = _tag_from(item)
            if tag is None or not first <= tag.line <= last or _squash(tag.evidence) not in text:
                self.dropped += 1
                continue
            tags.append(tag)
        return tags

    def _read_cache(self, key: str) -> list[Tag] | None:
        path = self.cache_dir / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return [Tag.model_validate({**item, "source": "llm"}) for item in data["tags"]]
        except (OSError, ValueError, KeyError, TypeError):
            # Absent, damaged or foreign: a miss, and asking the model again repairs it.
            return None

    def _write_cache(self, key: str, tags: list[Tag]) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        data = {"tags": [tag.model_dump(mode="json", exclude={"source"}) for tag in tags]}
        # Temp file + rename: a crash or a parallel run never leaves a half-written answer.
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=1)
            os.replace(tmp, self.cache_dir / f"{key}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _error(self, reason: str) -> BacklotError:
        return BacklotError(f"{self.base_url}: {reason}")


def merge_tags(rules: list[Tag], llm: list[Tag]) -> list[Tag]:
    """Rule tags and model tags as one list, each marked with where it came from.

    Tags are the same item when category and name match (case-insensitively). A rule tag
    the model also found keeps its own line and evidence and becomes source="rules+llm";
    model-only items follow the rule tags, once each, ordered by line, category and name.
    """
    llm_keys = {_merge_key(tag) for tag in llm}
    merged = [
        tag.model_copy(update={"source": "rules+llm"}) if _merge_key(tag) in llm_keys else tag
        for tag in rules
    ]
    seen = {_merge_key(tag) for tag in rules}
    for tag in sorted(llm, key=lambda t: (t.line, t.category.value, t.name)):
        key = _merge_key(tag)
        if key not in seen:
            seen.add(key)
            merged.append(tag.model_copy(update={"source": "llm"}))
    return merged


def _merge_key(tag: Tag) -> tuple[Category, str]:
    return tag.category, tag.name.casefold()


def _numbered_rows(scene: Scene) -> list[str]:
    """The scene as the model reads it: every script line after its source line number."""
    rows: list[str] = []
    for element in scene.elements:
        if element.type is ElementType.PAGE_BREAK or not element.text.strip():
            continue
        indent = " " * _INDENT.get(element.type, 0)
        for offset, text in enumerate(element.text.split("\n")):
            rows.append(f"{element.line + offset}| {indent}{text}".rstrip())
    return rows


def _scene_text(scene: Scene) -> str:
    return "\n".join(element.text for element in scene.elements)


def _line_span(scene: Scene) -> tuple[int, int]:
    """First and last source line of the scene (multi-line elements run past their start)."""
    ends = [element.line + element.text.count("\n") for element in scene.elements]
    return scene.line, max([scene.line, *ends])


def _squash(text: str) -> str:
    """Case and line breaks do not matter when matching evidence to the script."""
    return " ".join(text.split()).casefold()


def _tag_from(item: object) -> Tag | None:
    """One tag of the answer in the breakdown's conventions, or None when malformed."""
    if not isinstance(item, dict):
        return None
    try:
        tag = Tag.model_validate({**item, "source": "llm"})
    except ValidationError:
        return None
    words = tag.name.split()
    if not words or not tag.evidence.strip():
        return None
    # The rule tagger's conventions, so both sources name the same item the same way:
    # cast in capitals, everything else a lower-case singular noun.
    if tag.category is Category.CAST:
        name = " ".join(words).upper()
    else:
        words = [word.lower() for word in words]
        name = " ".join([*words[:-1], singular(words[-1])])
    return tag.model_copy(update={"name": name, "evidence": tag.evidence.strip()})


def _cache_key(model: str, messages: list[dict[str, str]]) -> str:
    payload = json.dumps(
        {"model": model, "messages": messages, "schema": SCHEMA_VERSION},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _message_content(response: httpx.Response, base_url: str) -> str:
    """`choices[0].message.content` of a chat completion response."""
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise BacklotError(
            f"{base_url}: the answer is not a chat completion: {_snippet(response.text)}"
        ) from exc
    if not isinstance(content, str):
        raise BacklotError(f"{base_url}: the answer is not a chat completion: no message text")
    return content


def _parse_content(content: str, base_url: str) -> dict[str, Any]:
    """The JSON object in the model's text, also when wrapped in a ```json fence."""
    fenced = _FENCE.search(content)
    text = fenced.group(1) if fenced else content
    try:
        answer = json.loads(text)
    except ValueError as exc:
        raise BacklotError(
            f"{base_url}: the model's answer is not JSON: {_snippet(content)}"
        ) from exc
    if not isinstance(answer, dict):
        raise BacklotError(f"{base_url}: the model's answer is not a JSON object")
    return answer


def _transport_reason(exc: httpx.TransportError) -> str:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError) and "refused" in detail.lower():
        return "connection refused"
    return f"request failed ({_snippet(detail)})"


def _status_reason(response: httpx.Response) -> str:
    """'HTTP 500 Internal Server Error: <the server's message>'."""
    detail = response.text
    # OpenAI-style servers explain errors as {"error": {"message": ...}}.
    with contextlib.suppress(ValueError, KeyError, TypeError):
        detail = response.json()["error"]["message"]
    reason = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
    return f"{reason}: {_snippet(str(detail))}" if str(detail).strip() else reason


def _snippet(text: str, limit: int = 160) -> str:
    """Text on one line and short enough for an error message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
