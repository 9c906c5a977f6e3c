#!/usr/bin/env python3
"""Regenerates demo_catalog.csv: a deterministic subset of TidyTuesday 2020-01-21 spotify_songs.

Whole playlists are taken in playlist_id order while the number of distinct tracks stays within
the target, and the 12 audio-feature columns are dropped (the emulator does not serve them).
Standard library only. Usage:
    python3 make_demo_catalog.py ../../../../../shared/catalog-data demo_catalog.csv
"""
import csv
import glob
import os
import sys

TARGET_TRACKS = 10000  # ~12k would exceed the 2 MB budget
KEEP = ["track_id", "track_name", "track_artist", "track_popularity", "track_album_id",
        "track_album_name", "track_album_release_date", "playlist_name", "playlist_id",
        "playlist_genre", "playlist_subgenre", "duration_ms"]


def main(source_dir, output):
    rows = []
    for part in sorted(glob.glob(os.path.join(source_dir, "tidytuesday_spotify_songs.part*.csv"))):
        with open(part, newline="", encoding="utf-8") as f:
            rows.extend(csv.DictReader(f))
    if not rows:
        sys.exit("no tidytuesday_spotify_songs.part*.csv in " + source_dir)
    by_playlist = {}
    for row in rows:
        by_playlist.setdefault(row["playlist_id"], []).append(row)
    chosen, seen = [], set()
    for playlist_id in sorted(by_playlist):
        tracks = {row["track_id"] for row in by_playlist[playlist_id]}
        if len(seen | tracks) > TARGET_TRACKS:
            continue
        seen |= tracks
        chosen.extend(by_playlist[playlist_id])
    with open(output, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=KEEP, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(chosen)
    print(f"{output}: {len(chosen)} rows, {len(seen)} distinct tracks, "
          f"{len({r['playlist_id'] for r in chosen})} playlists")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
