-- The album's release date of a track (core::TrackInfo::release_date): "YYYY", "YYYY-MM" or
-- "YYYY-MM-DD" as Spotify sends it, '' when unknown. Tracks stored before this read as unknown
-- until the next sync of a playlist that holds them saves them again.
ALTER TABLE tracks ADD COLUMN release_date TEXT NOT NULL DEFAULT '';
