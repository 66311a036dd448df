-- Which identity reached which role, through which sessions, across accounts.
-- A hop is a successful AssumeRole*; the next hop is made with the
-- credentials the previous one issued. Chains start at callers whose
-- credentials no recorded AssumeRole issued.
WITH RECURSIVE hops AS (
    SELECT time,
           actor_user_uid AS caller,
           actor_credential_uid AS caller_key,
           src_ip,
           json_get(raw, 'requestParameters.roleArn') AS role,
           json_get(raw, 'responseElements.credentials.accessKeyId') AS issued_key
    FROM events
    WHERE {window} AND api_operation LIKE 'AssumeRole%' AND status = 'Success'
),
roots AS (
    SELECT h.* FROM hops h
    LEFT JOIN (SELECT DISTINCT issued_key FROM hops WHERE issued_key IS NOT NULL) p
      ON h.caller_key = p.issued_key
    WHERE p.issued_key IS NULL
),
chains AS (
    SELECT time AS started, caller AS origin, src_ip AS origin_ip, role, issued_key,
           1 AS depth, caller || ' -> ' || role AS path, time AS reached
    FROM roots
    UNION ALL
    SELECT c.started, c.origin, c.origin_ip, h.role, h.issued_key,
           c.depth + 1, c.path || ' -> ' || h.role, h.time
    FROM chains c
    JOIN hops h ON h.caller_key = c.issued_key
    WHERE c.depth < 10
)
SELECT started,
       reached,
       depth,
       origin,
       origin_ip,
       role AS reached_role,
       split_part(role, ':', 5) AS reached_account,
       path
FROM chains
WHERE depth >= {min_depth}
ORDER BY started, depth, path
LIMIT {limit}
