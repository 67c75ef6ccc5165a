-- The duplicate check (store/nearby.go, issue 26 item 2): the open cases of
-- a category near a new report. It walked every open case oldest first,
-- computing distances, until it found three within the radius: 144–152 ms
-- with 100,000 open and none near. Now it reads only the grid cells the
-- radius touches, and the cost is that of the cases near the point.

-- The grid cell of a point: 0.001° of latitude (111 m) by 0.001° of
-- longitude (85 m in Beijing), one number; NULL for no point or one off the
-- globe. store/nearby.go computes the same numbers for the cells a radius
-- touches (caseCell); the two must stay equal.
CREATE FUNCTION case_cell(lat double precision, lon double precision) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180
        THEN (floor(lat * 1000)::bigint + 90000) * 1000000 + floor(lon * 1000)::bigint + 180000 END;

-- The open cases of a cell in order of arrival: the check walks each cell
-- the radius touches oldest first and stops at three of the category
-- within the radius (a cell crowded with cases at one spot costs three).
-- An index on an expression: no column to keep filled, every insert and
-- update of a case's point keeps it. With the point and status in it, the
-- distance is tested from the index alone (an index-only scan) and only
-- the cases within the radius are looked up for their category: a
-- category none has, at 帽儿胡同's centre crowded with 100,000 open cases
-- (bigdb's, given points), 86 → 15 ms warm, 620 → 200 ms cold.
CREATE INDEX cases_open_cell_idx ON cases (case_cell(lat, lon), created_at, id) INCLUDE (lat, lon, status)
    WHERE closed_at IS NULL;

-- With no point (a report placed by its alley alone), the open cases of
-- the alley in order of arrival; with a point, the alley's open cases that
-- have none (they are compared by alley, as before).
CREATE INDEX cases_open_alley_idx ON cases (alley_id, created_at, id) WHERE closed_at IS NULL;
CREATE INDEX cases_open_unplaced_idx ON cases (alley_id, created_at, id) WHERE closed_at IS NULL AND lat IS NULL;
