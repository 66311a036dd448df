-- Successful console sign-ins of IAM users and root without MFA. Federated
-- and SSO sign-ins are left out: their MFA happens at the identity provider.
SELECT time,
       actor_user_uid AS identity,
       actor_user_type AS type,
       cloud_account_uid AS account,
       src_ip,
       user_agent
FROM events
WHERE {window}
  AND api_operation = 'ConsoleLogin'
  AND status = 'Success'
  AND actor_user_type IN ('IAMUser', 'Root')
  AND coalesce(json_get(raw, 'additionalEventData.MFAUsed'), 'No') <> 'Yes'
ORDER BY time
LIMIT {limit}
