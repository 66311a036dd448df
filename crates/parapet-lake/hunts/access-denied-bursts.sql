-- Identities that were refused many times within a few minutes: permission
-- enumeration (enumerate-iam, Pacu) or a stolen key tried against services.
SELECT actor_user_uid AS identity,
       date_bin(INTERVAL '{minutes} minutes', time) AS window_start,
       count(*) AS denied,
       count(DISTINCT api_operation) AS operations,
       array_agg(DISTINCT api_service_name || ':' || api_operation) AS tried,
       array_agg(DISTINCT src_ip) AS from_ips
FROM events
WHERE {window}
  AND (error_code LIKE '%AccessDenied%' OR error_code LIKE '%Unauthorized%'
       OR error_code = 'Forbidden')
GROUP BY actor_user_uid, date_bin(INTERVAL '{minutes} minutes', time)
HAVING count(*) >= {min_denied}
ORDER BY denied DESC, window_start, identity
LIMIT {limit}
