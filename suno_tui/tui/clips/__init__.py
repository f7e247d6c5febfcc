"""Acting on the clip in view (the monitor's keys for one clip)."""
