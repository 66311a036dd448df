-- User agents seen only a few times: attack tools, hand-written scripts and
-- odd SDK builds stand out against the fleet's few dozen common agents.
SELECT user_agent,
       count(*) AS events,
       count(DISTINCT actor_user_uid) AS identities,
       array_agg(DISTINCT actor_user_uid) AS who,
       array_agg(DISTINCT src_ip) AS from_ips,
       min(time) AS first_seen,
       max(time) AS last_seen
FROM events
WHERE {window} AND user_agent IS NOT NULL
GROUP BY user_agent
HAVING count(*) <= {max_events}
ORDER BY events, user_agent
LIMIT {limit}
