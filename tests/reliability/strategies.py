"""Hypothesis strategies for the fuzzing of issue #8: arbitrary JSON, hostile
strings, the real payload shapes of docs/gateway.md and mutations of them,
answer bodies, and titles and name templates.

Mutations are drawn as plain data (``MutationOp`` tuples) and applied by
:func:`mutate`, so a failing example shrinks to a short list of edits of one
real shape.
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from suno_tui.simulator.catalogue import all_songs
from tests.fixtures import shapes

# -- hostile pieces ------------------------------------------------------------------------

#: what a hostile gateway puts in a title, tag, lyric or fail reason
HOSTILE_STRINGS: tuple[str, ...] = (
    "\x1b]52;c;UFdORUQ=\x07",  # OSC 52: write the clipboard
    "\x1b]0;PWNED\x07",  # OSC 0: set the window title
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J\x1b[H",  # CSI: clear the screen
    "\x1b[31mred\x1b[0m",
    "\x1bP+q\x1b\\",  # DCS
    "\x9b31m",  # 8-bit CSI
    "\x9d0;PWNED\x9c",  # 8-bit OSC ... ST
    "\x90q\x9c",  # 8-bit DCS
    "\u202eevil\u202c",  # right-to-left override
    "\u2066\u2067\u2068\u2069",  # bidi isolates
    "\u200f\u200e\u061c",  # RLM, LRM, ALM
    "\ufeff\u200b\u2060",  # BOM, zero-width space, word joiner
    "\U000e0041\U000e007f",  # tag characters
    "[bold red]x[/]",  # Rich markup
    "[@click=app.quit]x[/]",  # Textual action markup
    "[/foo]",
    "\x00\x07\x08\x7f",
    "line\nbreak\r\nand\u2028more\u2029end\x85",
    "\ud800",  # a lone surrogate (JSON can carry "\ud800")
    "a\udfffb",
    "../../etc/passwd",
    "..\\..\\windows\\system32",
    "CON",
    "nul.txt",
    "月光下的城市" * 56,  # 1,008 bytes of CJK
    "🎵👨‍👩‍👧🇯🇵" * 20,
    "e\u0301" * 50,  # combining marks
    " . ",
)

#: numbers a hostile gateway sends where a small int or a time is expected
ODD_NUMBERS: tuple[int | float, ...] = (
    0,
    -1,
    -0.0,
    1e12 + 1,  # milliseconds threshold
    2**31,
    2**63,
    -(2**63) - 1,
    2**64,
    10**20,
    10**400,  # too large for a float
    -(10**400),
    10**4299,  # the largest int json.loads reads (4,300 digits)
    1e308,
    -1e308,
    5e-324,
    math.inf,
    -math.inf,
    math.nan,
)

#: keys of the task, clip and lyrics objects, so that arbitrary JSON hits real fields
KNOWN_KEYS: tuple[str, ...] = (
    "task_id",
    "id",
    "action",
    "status",
    "fail_reason",
    "submit_time",
    "start_time",
    "finish_time",
    "progress",
    "data",
    "code",
    "message",
    "error",
    "clip_id",
    "title",
    "state",
    "audio_url",
    "video_url",
    "image_url",
    "image_large_url",
    "model_name",
    "major_model_version",
    "created_at",
    "metadata",
    "tags",
    "prompt",
    "duration",
    "error_message",
    "error_type",
    "text",
    "lyrics",
    "gpt_description_prompt",
)

# -- arbitrary JSON ------------------------------------------------------------------------

texts = st.text(max_size=40) | st.sampled_from(HOSTILE_STRINGS)
json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from(ODD_NUMBERS)
    | st.floats(allow_nan=True, allow_infinity=True)
    | texts
)
json_keys = st.sampled_from(KNOWN_KEYS) | st.text(max_size=12)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=5) | st.dictionaries(json_keys, children, max_size=6)


#: any JSON value (None, bool, int, float, str, list, dict), nested
json_values: st.SearchStrategy[Any] = st.recursive(json_leaves, _containers, max_leaves=25)

#: objects that look like tasks: known keys with arbitrary values, clip-like data
clip_like = st.fixed_dictionaries(
    {},
    optional={
        key: json_values
        for key in (
            "id",
            "clip_id",
            "title",
            "status",
            "state",
            "audio_url",
            "created_at",
            "metadata",
            "tags",
            "prompt",
            "duration",
            "error_message",
            "model_name",
        )
    },
)
task_like = st.fixed_dictionaries(
    {},
    optional={
        "task_id": st.text(max_size=20) | json_values,
        "id": json_values,
        "action": st.sampled_from(["MUSIC", "LYRICS", "", "music", "x"]) | json_values,
        "status": st.sampled_from(["SUCCESS", "FAILURE", "IN_PROGRESS", "fail", ""]) | json_values,
        "fail_reason": texts | json_values,
        "submit_time": json_values,
        "start_time": json_values,
        "finish_time": json_values,
        "progress": json_values,
        "data": st.lists(clip_like | json_values, max_size=4)
        | st.fixed_dictionaries({}, optional={"text": json_values, "title": json_values})
        | json_values,
    },
)

# -- the real shapes and mutations of them -------------------------------------------------

#: every task builder of tests/fixtures/shapes.py (docs/gateway.md's shapes 1-7 and more)
SHAPES: dict[str, Callable[[], dict[str, Any]]] = {
    "streaming": shapes.streaming_task,
    "streaming-duration-0": lambda: shapes.streaming_task(duration=0),
    "success": shapes.success_task,
    "partial-failure": shapes.partial_failure_task,
    "chinese-failure": shapes.chinese_failure_task,
    "lyrics": shapes.lyrics_task,
    "lyrics-no-action": lambda: shapes.lyrics_task(action=""),
    "not-started": shapes.not_started_task,
    "milliseconds": shapes.millisecond_task,
    "newer-relay": shapes.newer_relay_task,
    "lowercase": shapes.lowercase_task,
    "lowercase-failed": lambda: shapes.lowercase_task(status="failed"),
    "minimal": shapes.minimal_task,
}

MUTATIONS = (
    "delete",  # drop the key (or list item)
    "replace",  # any other JSON value
    "odd-number",  # huge, negative, inf, nan...
    "hostile-text",  # escape sequences, bidi, markup, surrogates...
    "wrap",  # nested junk: [x] or {"value": x}
    "stringify",  # the JSON text of the value (a "data" sent as a string)
    "duplicate",  # a list item twice
)
#: (which node: index into the paths, modulo; mutation; a value for replace)
MutationOp = tuple[int, str, Any]
mutation_ops = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=10_000),
        st.sampled_from(MUTATIONS),
        json_values,
    ),
    min_size=1,
    max_size=6,
)

Path = tuple[str | int, ...]


def pick_path(doc: Any, index: int, protect: frozenset[Path] = frozenset()) -> Path | None:
    """A node below the root chosen by ``index``: a walk from the root that
    stops at each level with probability 2/5 (so top-level fields, which
    matter most, are picked often, and deep ones still are). None if every
    child of the root is protected."""
    rng = random.Random(index)
    path: Path = ()
    node = doc
    while True:
        if isinstance(node, dict):
            keys: list[str | int] = list(node)
        elif isinstance(node, list):
            keys = list(range(len(node)))
        else:
            keys = []
        keys = [key for key in keys if (*path, key) not in protect]
        if not keys:
            return path or None
        key = rng.choice(keys)
        path = (*path, key)
        node = node[key]
        if rng.random() < 0.4:
            return path


def _parent(doc: Any, path: Path) -> Any:
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node


def mutate(
    doc: dict[str, Any],
    ops: list[MutationOp],
    *,
    protect: frozenset[Path] = frozenset(),
    fresh: bool = False,
) -> dict[str, Any]:
    """``doc`` with ``ops`` applied (to a deep copy unless ``fresh``: the
    caller's own new document); paths in ``protect`` are left alone."""
    if not fresh:
        doc = copy.deepcopy(doc)
    for index, kind, value in ops:
        path = pick_path(doc, index, protect)
        if path is None:
            break
        parent, key = _parent(doc, path), path[-1]
        current = parent[key]
        if kind == "delete":
            del parent[key]
        elif kind == "replace":  # a copy: ops are shared between documents
            parent[key] = copy.deepcopy(value)
        elif kind == "odd-number":
            parent[key] = ODD_NUMBERS[index % len(ODD_NUMBERS)]
        elif kind == "hostile-text":
            hostile = HOSTILE_STRINGS[index % len(HOSTILE_STRINGS)]
            parent[key] = (current + hostile) if isinstance(current, str) else hostile
        elif kind == "wrap":
            parent[key] = [current] if index % 2 else {"value": current}
        elif kind == "stringify":
            parent[key] = json.dumps(current)
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(int(key), copy.deepcopy(current))
    return doc


mutated_shapes = st.builds(
    lambda name, ops: mutate(SHAPES[name](), ops, fresh=True),
    st.sampled_from(sorted(SHAPES)),
    mutation_ops,
)

# -- answer bodies -------------------------------------------------------------------------


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _truncate(value: Any, keep: float) -> bytes:
    body = _dumps(value)
    return body[: max(1, int(len(body) * keep))]


envelopes = st.fixed_dictionaries(
    {},
    optional={
        "code": st.sampled_from(["success", 0, 1, 200, "200", "error", "task_not_exist", None])
        | json_values,
        "message": texts,
        "msg": texts,
        "data": st.lists(mutated_shapes | task_like, max_size=3) | json_values,
        "error": st.fixed_dictionaries(
            {}, optional={"message": texts | json_values, "type": texts, "code": json_values}
        )
        | json_values,
    },
)
bodies: st.SearchStrategy[bytes] = st.one_of(
    st.binary(max_size=200),
    json_values.map(_dumps),
    envelopes.map(_dumps),
    st.builds(_truncate, envelopes, st.floats(0.05, 0.95)),
    st.sampled_from(
        [
            shapes.html_error_page(),
            shapes.html_error_page("<script>\x1b]0;PWNED\x07</script>"),
            b"<!doctype html><TITLE>" + b"x" * 5000 + b"</TITLE>",
            b"",
            b"   \r\n",
            b"\xef\xbb\xbf{}",  # a UTF-8 BOM
            b"NaN",
            b'{"code":"success","data":[{"task_id":"a","title":"\\ud800"}]}',
            b'{"code":"success","data":"\xed\xa0\x80"}',  # a surrogate as raw (CESU) bytes
        ]
    ),
    st.integers(10, 3000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(4200, 5000).map(lambda digits: b"1" * digits),
    st.builds(
        lambda value, codec: json.dumps(value).encode(codec),
        envelopes,
        st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1"]),
    ),
)

header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40
) | st.sampled_from(["0", "1", "120", "-5", "1e400", "nan", "Wed, 21 Oct 2015 07:28:00 GMT"])
headers = st.dictionaries(
    st.sampled_from(["retry-after", "location", "content-type", "x-junk", "content-length"]),
    header_values,
    max_size=3,
)
statuses = st.integers(100, 599) | st.sampled_from([200, 301, 302, 401, 403, 404, 429, 500, 502])

# -- titles and name templates -------------------------------------------------------------

REAL_TITLES: tuple[str, ...] = (
    shapes.TITLE,
    *(song.title for song in all_songs()),
)
TITLE_PIECES: tuple[str, ...] = (
    *HOSTILE_STRINGS,
    "/",
    "\\",
    "..",
    ".",
    "COM1.",
    "LPT9 ",
    "aux",
    ":",
    '*?<>|"',
    "\t",
    " ",
    "~",
    "$HOME",
    "%s%n",
    "{title}",
)


def _splice(title: str, inserts: list[tuple[int, str]]) -> str:
    for at, piece in inserts:
        at %= len(title) + 1
        title = title[:at] + piece + title[at:]
    return title


titles = st.builds(
    _splice,
    st.sampled_from(REAL_TITLES),
    st.lists(st.tuples(st.integers(0, 500), st.sampled_from(TITLE_PIECES) | texts), max_size=4),
) | st.text(max_size=300)

REAL_TEMPLATES: tuple[str, ...] = (
    "{title} [{clip_id:.8}].{ext}",
    "{title}.{ext}",
    "{created} {index:02d} {title}.{ext}",
    "{title} - {tags} ({model}).{ext}",
    "{task_id} {clip_id}.{ext}",
)
HOSTILE_TEMPLATES: tuple[str, ...] = (
    "../{title}.{ext}",
    "../../../../tmp/{title}",
    "/etc/{title}.{ext}",
    "{task_id}/{title}/../{ext}",
    "..\\..\\{title}.{ext}",
    "C:\\Windows\\{title}",
    "~/{title}",
    ".{title}",
    "..",
    ".",
    "CON",
    "{title}\x00.{ext}",
    "\x1b]0;x\x07{title}",
    "{title:>300}",
    "{title:.3}{index:0>99}",
    "{title.__class__}",
    "{0}",
    "{title!r}",
)
templates = st.sampled_from(REAL_TEMPLATES + HOSTILE_TEMPLATES) | st.text(max_size=40)


# -- the same inputs from a seeded PRNG, for the long run ---------------------------------
#
# Hypothesis spends ~5 ms drawing one nested JSON document (and ~0.3 ms on any
# example at all), so 100,000 structured examples per property would take
# minutes each. The long run therefore draws one 64-bit seed per example and
# builds the input from it with ``random.Random``: ~50 us, the same kinds of
# values as the strategies above, and a failing seed reproduces exactly.

_CHAR_RANGES = (
    (0x00, 0x1F),  # C0
    (0x20, 0x7E),
    (0x7F, 0x9F),  # DEL, C1
    (0xA0, 0x24F),
    (0x200B, 0x206F),  # zero-width, bidi, separators
    (0x4E00, 0x4FFF),  # CJK
    (0xD800, 0xDFFF),  # lone surrogates
    (0xFFF0, 0xFFFF),
    (0x1F300, 0x1F6FF),  # emoji
    (0xE0000, 0xE007F),  # tag characters
)


def random_text(rng: random.Random, max_size: int = 40) -> str:
    roll = rng.random()
    if roll < 0.25:
        return rng.choice(HOSTILE_STRINGS)
    if roll < 0.35:
        return rng.choice(KNOWN_KEYS)
    chars = []
    for _ in range(rng.randrange(max_size + 1)):
        low, high = rng.choice(_CHAR_RANGES) if rng.random() < 0.4 else (0x20, 0x7E)
        chars.append(chr(rng.randint(low, high)))
    return "".join(chars)


def random_leaf(rng: random.Random) -> Any:
    roll = rng.randrange(8)
    if roll == 0:
        return None
    if roll == 1:
        return rng.random() < 0.5
    if roll == 2:
        return rng.choice((0, 1, -1, 100, 1_767_225_600, 1_767_225_600_000, rng.getrandbits(70)))
    if roll == 3:
        return rng.choice(ODD_NUMBERS)
    if roll == 4:
        return rng.choice((0.5, -2.5, 182.64, rng.uniform(-1e12, 1e12)))
    return random_text(rng)


def random_json(rng: random.Random, depth: int = 0, budget: list[int] | None = None) -> Any:
    """Any JSON value, nested at most a few levels, about 25 leaves at most."""
    budget = [25] if budget is None else budget
    roll = rng.random()
    if depth >= 4 or budget[0] <= 0 or roll < 0.45:
        budget[0] -= 1
        return random_leaf(rng)
    size = rng.randrange(6)
    if roll < 0.7:
        return [random_json(rng, depth + 1, budget) for _ in range(size)]
    return {
        (rng.choice(KNOWN_KEYS) if rng.random() < 0.6 else random_text(rng, 12)): random_json(
            rng, depth + 1, budget
        )
        for _ in range(size)
    }


def random_task_like(rng: random.Random) -> dict[str, Any]:
    task: dict[str, Any] = {}
    for key in (
        "task_id",
        "id",
        "action",
        "status",
        "fail_reason",
        "submit_time",
        "start_time",
        "finish_time",
        "progress",
    ):
        if rng.random() < 0.6:
            task[key] = random_json(rng, 3)
    if rng.random() < 0.5:
        task["task_id"] = random_text(rng, 20)
    if rng.random() < 0.7:
        roll = rng.random()
        if roll < 0.5:
            task["data"] = [
                {key: random_json(rng, 2) for key in rng.sample(KNOWN_KEYS, rng.randrange(8))}
                for _ in range(rng.randrange(4))
            ]
        elif roll < 0.7:
            task["data"] = {"text": random_json(rng, 3), "title": random_json(rng, 3)}
        else:
            task["data"] = random_json(rng)
    return task


def random_ops(rng: random.Random, most: int = 6) -> list[MutationOp]:
    return [
        (rng.randrange(10_000), rng.choice(MUTATIONS), random_json(rng, 2))
        for _ in range(rng.randint(1, most))
    ]


def random_mutated_shape(rng: random.Random) -> dict[str, Any]:
    return mutate(SHAPES[rng.choice(sorted(SHAPES))](), random_ops(rng), fresh=True)


def random_envelope(rng: random.Random) -> dict[str, Any]:
    envelope: dict[str, Any] = {}
    if rng.random() < 0.8:
        envelope["code"] = rng.choice(
            ["success", 0, 1, 200, "200", "error", "task_not_exist", None, random_json(rng, 3)]
        )
    if rng.random() < 0.5:
        envelope["message"] = random_text(rng)
    if rng.random() < 0.7:
        roll = rng.random()
        envelope["data"] = (
            [random_mutated_shape(rng) for _ in range(rng.randrange(3))]
            if roll < 0.5
            else random_json(rng)
        )
    if rng.random() < 0.2:
        envelope["error"] = {
            "message": random_json(rng, 3),
            "type": random_text(rng),
            "code": random_json(rng, 3),
        }
    return envelope


def random_body(rng: random.Random) -> bytes:
    roll = rng.randrange(10)
    if roll == 0:
        return rng.randbytes(rng.randrange(200))
    if roll == 1:
        return _dumps(random_json(rng))
    if roll in (2, 3, 4):
        return _dumps(random_envelope(rng))
    if roll == 5:
        body = _dumps(random_envelope(rng))
        return body[: max(1, int(len(body) * rng.random()))]
    if roll == 6:
        return rng.choice(
            (
                shapes.html_error_page(),
                b"",
                b" \r\n",
                b"NaN",
                b"\xef\xbb\xbf{}",
                b'{"code":"success","data":"\xed\xa0\x80"}',
            )
        )
    if roll == 7:
        depth = rng.randint(10, 3000)
        return b"[" * depth + b"]" * depth
    if roll == 8:
        return b"1" * rng.randint(4200, 5000)
    codec = rng.choice(("utf-16", "utf-16-le", "utf-32", "latin-1"))
    return json.dumps(random_envelope(rng)).encode(codec)


def random_status(rng: random.Random) -> int:
    if rng.random() < 0.5:
        return rng.choice((200, 301, 302, 401, 403, 404, 429, 500, 502))
    return rng.randint(100, 599)


def random_header_value(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return rng.choice(("0", "1", "120", "-5", "1e400", "nan", "Wed, 21 Oct 2015 07:28:00 GMT"))
    return "".join(chr(rng.randint(0x20, 0x7E)) for _ in range(rng.randrange(40)))


def random_headers(rng: random.Random) -> dict[str, str]:
    names = ("retry-after", "location", "content-type", "x-junk", "content-length")
    return {name: random_header_value(rng) for name in rng.sample(names, rng.randrange(4))}


def random_title(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return random_text(rng, 300)
    pieces = [
        (rng.randrange(500), rng.choice(TITLE_PIECES) if rng.random() < 0.7 else random_text(rng))
        for _ in range(rng.randrange(5))
    ]
    return _splice(rng.choice(REAL_TITLES), pieces)


def random_template(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(REAL_TEMPLATES)
    if roll < 0.8:
        return rng.choice(HOSTILE_TEMPLATES)
    return random_text(rng)
