-- requests.json on a big database (go run ./bench/bigdb --url URL --cases 1000000), as
-- serve prepares it (generic plans), next to SELECT count(*) of the table:
--   psql URL -f bench/open311_plans.sql
SET plan_cache_mode = force_generic_plan;
\timing on
SELECT count(*) FROM cases;
PREPARE q1(text, timestamptz, timestamptz) AS
SELECT c.number, c.status, coalesce(g.code, '') AS service_code, coalesce(g.name, '') AS service_name,
	CASE WHEN c.source = 'complaint' THEN '' ELSE c.description END AS description,
	coalesce(d.name, '') AS department, CASE WHEN c.source = 'complaint' THEN '' ELSE c.address END AS address,
	coalesce(a.name, '') AS alley_name, c.lat, c.lon, c.created_at, c.updated_at, c.closed_at, c.verify_by, c.fix_by,
	(SELECT ph.id FROM photos ph WHERE ph.case_id = c.id AND c.status = 'closed' AND ph.kind IN ('before', 'after')
		AND ph.sha256 IS NOT NULL AND ph.complaint_id IS NULL ORDER BY ph.kind = 'after' DESC, ph.id LIMIT 1) AS photo_id
	FROM (SELECT c.id FROM cases c WHERE c.status <> $1 AND c.created_at >= $2 AND c.created_at < $3 ORDER BY c.created_at DESC, c.id DESC LIMIT 100 OFFSET 900) k JOIN cases c ON c.id = k.id
	LEFT JOIN alleys a ON a.id = c.alley_id
	LEFT JOIN departments d ON d.id = c.department_id
	LEFT JOIN LATERAL (SELECT cat.code, cat.name FROM case_categories cc JOIN categories cat ON cat.id = cc.category_id
		WHERE cc.case_id = c.id ORDER BY cc.lead DESC, cat.sort LIMIT 1) g ON true
 ORDER BY c.created_at DESC, c.id DESC;
EXPLAIN (ANALYZE) EXECUTE q1('merged', '2026-09-06 10:00+08', '2026-12-05 10:01+08');
EXECUTE q1('merged', '2026-09-06 10:00+08', '2026-12-05 10:01+08') \g /dev/null
PREPARE q2(text, timestamptz, timestamptz, text) AS
SELECT c.id FROM cases c WHERE c.status <> $1 AND c.created_at >= $2 AND c.created_at < $3 AND c.closed_at IS NOT NULL AND (SELECT cc.category_id FROM case_categories cc WHERE cc.case_id = c.id AND cc.lead LIMIT 1) =
				(SELECT cat.id FROM categories cat WHERE cat.code = $4) ORDER BY c.created_at DESC, c.id DESC LIMIT 100 OFFSET 900;
EXPLAIN (ANALYZE) EXECUTE q2('merged', '2026-09-06 10:00+08', '2026-12-05 10:01+08', 'safety');
EXECUTE q2('merged', '2026-09-06 10:00+08', '2026-12-05 10:01+08', 'safety') \g /dev/null
SELECT count(*) FROM cases;
