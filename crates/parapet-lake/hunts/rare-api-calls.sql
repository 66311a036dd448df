-- Stack counting: the API calls each identity made only a handful of times.
-- What an identity does every day drowns in its own volume; what it did
-- once or twice (a ListUsers from a build role, a GetSecretValue from a web
-- server) is where a stolen credential shows.
SELECT actor_user_uid AS identity,
       api_service_name AS service,
       api_operation AS operation,
       count(*) AS calls,
       min(time) AS first_seen,
       max(time) AS last_seen
FROM events
WHERE {window} AND actor_user_uid IS NOT NULL AND api_operation IS NOT NULL
GROUP BY actor_user_uid, api_service_name, api_operation
HAVING count(*) <= {max_calls}
ORDER BY calls, identity, service, operation
LIMIT {limit}
