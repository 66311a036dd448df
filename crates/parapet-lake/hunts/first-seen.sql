-- What each principal did for the first time in the last days of the window:
-- an API call or a region it had never used before. Principals that are new
-- themselves are left out (everything they do is new).
WITH activity AS (
    SELECT actor_user_uid AS identity, 'api' AS kind,
           api_service_name || ':' || api_operation AS item, time
    FROM events
    WHERE {window} AND actor_user_uid IS NOT NULL AND api_operation IS NOT NULL
    UNION ALL
    SELECT actor_user_uid, 'region', cloud_region, time
    FROM events
    WHERE {window} AND actor_user_uid IS NOT NULL AND cloud_region IS NOT NULL
),
firsts AS (
    SELECT identity, kind, item, min(time) AS first_seen, count(*) AS calls
    FROM activity GROUP BY identity, kind, item
),
known AS (
    SELECT identity, min(time) AS since FROM activity GROUP BY identity
),
cutoff AS (
    SELECT max(time) - INTERVAL '{days} days' AS t FROM activity
)
SELECT f.identity, f.kind, f.item, f.first_seen, f.calls
FROM firsts f
JOIN known k ON f.identity = k.identity
CROSS JOIN cutoff c
WHERE f.first_seen >= c.t AND k.since < c.t
ORDER BY f.first_seen, f.identity, f.kind, f.item
LIMIT {limit}
