-- Every event that touches an indicator: a source IP, an access key id, a
-- user agent, an identity or role ARN, or a resource ARN from the file.
SELECT time,
       source,
       cloud_account_uid AS account,
       api_service_name AS service,
       api_operation AS operation,
       actor_user_uid AS identity,
       actor_credential_uid AS access_key,
       src_ip,
       user_agent,
       CASE
           WHEN src_ip IN ({iocs}) THEN 'src_ip'
           WHEN actor_credential_uid IN ({iocs}) THEN 'access_key'
           WHEN user_agent IN ({iocs}) THEN 'user_agent'
           WHEN actor_user_uid IN ({iocs}) OR actor_session_issuer IN ({iocs}) THEN 'identity'
           ELSE 'resource'
       END AS matched
FROM events
WHERE {window}
  AND (src_ip IN ({iocs})
       OR actor_credential_uid IN ({iocs})
       OR user_agent IN ({iocs})
       OR actor_user_uid IN ({iocs})
       OR actor_session_issuer IN ({iocs})
       OR array_has_any(resources, make_array({iocs})))
ORDER BY time
LIMIT {limit}
