-- Everything the root user did itself (not AWS services acting as root):
-- AWS advises against any routine use of root.
SELECT time,
       cloud_account_uid AS account,
       api_service_name AS service,
       api_operation AS operation,
       cloud_region AS region,
       src_ip,
       user_agent,
       status,
       error_code
FROM events
WHERE {window}
  AND actor_user_type = 'Root'
  AND json_get(raw, 'userIdentity.invokedBy') IS NULL
ORDER BY time
LIMIT {limit}
