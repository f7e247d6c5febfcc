"""Acting on a clip from the monitor: extend (``E``), run again (``N``), the full
song (``C``)."""
