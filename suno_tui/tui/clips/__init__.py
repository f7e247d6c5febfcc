"""Acting on the clip in view from the monitor: extend (``E``), run again
(``N``), the full song (``C``), its WAV (``W``) and timed lyrics (``L``)."""
