-- Issue 20: a long hutong is a line, not a circle. An alley may have the
-- points of its line (lat, lon, lat, lon … in order); a point is then inside
-- the alley when it is within radius_m of that line. Empty: a circle of
-- radius_m around (lat, lon), as before.
ALTER TABLE alleys ADD COLUMN line double precision[] NOT NULL DEFAULT '{}'
	CHECK (cardinality(line) % 2 = 0 AND cardinality(line) <> 2);
-- The address a steward typed (菊儿胡同3号), kept apart from the description
-- so that each reader sees it labelled in their own language.
ALTER TABLE cases ADD COLUMN address text NOT NULL DEFAULT '';
