"""Realistic titles, tags, lyrics and names for simulated songs.

Everything here is data; the simulator picks from it with a seeded
``random.Random`` so a given seed always produces the same songs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Song:
    title: str
    tags: str
    lyrics: str


_SONGS: tuple[Song, ...] = (
    Song(
        "Neon Harbor",
        "dream pop, female vocals, 90 bpm",
        "[Verse]\nSalt on the window, the city hums low\nShip lights are blinking "
        "in tangerine glow\n\n[Chorus]\nMeet me at the neon harbor\nWhere the night "
        "runs slow\nEvery wave a little farther\nFrom the ones we used to know\n\n"
        "[Outro]\nNeon harbor, let it go",
    ),
    Song(
        "Paper Satellites",
        "indie folk, acoustic guitar, warm harmonies, 104 bpm",
        "[Verse 1]\nWe folded maps into paper satellites\nThrew them from the roof "
        "on summer nights\n\n[Chorus]\nAnd they fly, they fly\nOver every town we "
        "never tried\n\n[Verse 2]\nYou kept the one with the coffee stain\nSaid it "
        "would find its way home again\n\n[Chorus]\nAnd they fly, they fly",
    ),
    Song(
        "月光下的城市",
        "mandopop ballad, male vocals, strings, piano",
        "[Verse]\n夜色慢慢落在旧街口\n霓虹替我说出了温柔\n\n[Chorus]\n月光下的城市 "
        "没有尽头\n我把思念 藏进风里走\n\n[Bridge]\n如果明天 你还在路口\n"
        "请记得这首歌的节奏",
    ),
    Song(
        "Overdrive Heart",
        "synthwave, driving bass, retro, 118 bpm",
        "[Intro]\n\n[Verse]\nChrome on the skyline, engine in my chest\nRadio static, "
        "we never rest\n\n[Pre-Chorus]\nHold on tight\n\n[Chorus]\nOverdrive heart, "
        "burning through the dark\nOverdrive heart, you were the spark",
    ),
    Song(
        "Slow Sunday Static",
        "lo-fi hip hop, mellow piano, vinyl crackle, 72 bpm",
        "[Verse]\nKettle on, the light is thin\nRain is tapping, let it in\n\n[Hook]\n"
        "Slow Sunday static, nothing to prove\nSlow Sunday static, I'm stuck in the "
        "groove",
    ),
    Song(
        "Glass River",
        "drum and bass, liquid, atmospheric pads, 174 bpm",
        "[Verse]\nCold light under a glass river\nEvery heartbeat a quiet shiver\n\n"
        "[Chorus]\nCarry me down, carry me down\nWhere the water never makes a sound\n\n"
        "[Drop]",
    ),
    Song(
        "夏の終わりの雨",
        "j-pop, city pop, female vocals, 96 bpm",
        "[Verse]\n夏の終わりの雨が降る\n傘も持たずに君を待つ\n\n[Chorus]\nさよならは"
        "言わないで\n雨音だけが覚えてる",
    ),
    Song(
        "Kerosene Lullaby",
        "southern gothic country, slide guitar, raspy male vocals",
        "[Verse 1]\nDaddy kept a lantern by the kitchen door\nSaid the dark don't scare "
        "you if you've been there before\n\n[Chorus]\nSing me a kerosene lullaby\nLow "
        "and slow till the fire runs dry\n\n[Verse 2]\nMama hummed it softly while the "
        "thunder rolled",
    ),
    Song(
        "Static Bloom",
        "shoegaze, wall of guitars, reverb, ethereal vocals",
        "[Verse]\nFlowers grow from the amplifier\nPetals made of feedback wire\n\n"
        "[Chorus]\nStatic bloom, static bloom\nFill the empty room",
    ),
    Song(
        "Mile Marker 9",
        "alt rock, anthemic, male vocals, 128 bpm",
        "[Verse]\nGas light flicker at mile marker nine\nYour name on a receipt from "
        "the county line\n\n[Chorus]\nWe were young and we were loud\nBurning out "
        "above the crowd\n\n[Bridge]\nTurn it up, turn it up",
    ),
)

DISPLAY_NAMES: tuple[tuple[str, str], ...] = (
    ("MidnightFox", "midnightfox"),
    ("lumen", "lumen_wave"),
    ("Kai Sato", "kaisato88"),
    ("晴天", "qingtian"),
)

GPT_DESCRIPTIONS: tuple[str, ...] = (
    "an upbeat summer song about a road trip with old friends",
    "a melancholic piano ballad about leaving home",
    "energetic k-pop dance track about neon lights",
    "a calm lullaby for a rainy night",
)

# What Suno writes into metadata.error_message of a failed clip.
CLIP_ERRORS: tuple[str, ...] = (
    "Oops! We couldn't generate this song. Please try again.",
    "Unable to generate audio. Please try a different prompt.",
)

# What gateways write into fail_reason (they relay upstream messages in Chinese).
FAIL_REASONS: tuple[str, ...] = (
    "生成失败：内容违规",
    "生成失败：歌词包含敏感内容",
    "上游返回错误：歌曲生成失败",
)


def pick_song(rng: random.Random) -> Song:
    return rng.choice(_SONGS)


def all_songs() -> tuple[Song, ...]:
    return _SONGS


def lyrics_for(prompt: str, rng: random.Random) -> tuple[str, str]:
    """A (title, text) pair as Suno's lyrics generator would answer ``prompt``."""
    words = [w for w in prompt.replace(",", " ").split() if w.isalpha() and len(w) > 3]
    if words:
        chosen = words[-2:] if len(words) > 1 else words
        title = " ".join(w.capitalize() for w in chosen)
    else:
        title = pick_song(rng).title
    subject = prompt.strip() or "the night"
    text = (
        f"[Verse 1]\nI wrote your name on a morning train\nThinking of {subject}\n"
        "Counting the windows, counting the rain\n\n"
        f"[Chorus]\n{title}, {title}\nSay it slow and say it twice\n"
        "Every road comes round again\n\n"
        "[Verse 2]\nStreetlights hum a borrowed tune\nPaper moon in an empty room\n\n"
        f"[Chorus]\n{title}, {title}\n\n[Outro]\nSay it slow"
    )
    return title, text
