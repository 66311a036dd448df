//! Entra ID Privileged Identity Management alerts as the Microsoft Graph
//! API returns them (`GET /identityGovernance/roleManagementAlerts/alerts
//! ?$expand=alertIncidents`, a `{"value": [...]}` page of
//! `unifiedRoleManagementAlert`s). Each incident of an alert becomes one
//! record: the incident's fields, the alert's (`alertId`,
//! `alertDefinitionId`, `scopeId`, `isActive`, `lastModifiedDateTime`, ...)
//! and `riskEventType`, the incident's type (`staleSignInAlertIncident`),
//! the field SigmaHQ's `azure/pim` rules read. An alert listed without its
//! incidents is one record of the type its definition raises.

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Object, Value};

/// Alert definition (the last `_` part of `alertDefinitionId`) to the
/// incident type it raises.
const INCIDENT_TYPES: [(&str, &str); 7] = [
    ("StaleSignInAlert", "staleSignInAlertIncident"),
    ("InvalidLicenseAlert", "invalidLicenseAlertIncident"),
    (
        "NoMfaOnRoleActivationAlert",
        "noMfaOnRoleActivationAlertIncident",
    ),
    (
        "RedundantAssignmentAlert",
        "redundantAssignmentAlertIncident",
    ),
    (
        "RolesAssignedOutsidePimAlert",
        "rolesAssignedOutsidePrivilegedIdentityManagementAlertIncident",
    ),
    (
        "SequentialActivationRenewalsAlert",
        "sequentialActivationRenewalsAlertIncident",
    ),
    (
        "TooManyGlobalAdminsAssignedToTenantAlert",
        "tooManyGlobalAdminsAssignedToTenantAlertIncident",
    ),
];

/// The alert's own fields each incident record carries.
const ALERT_FIELDS: [&str; 6] = [
    "alertDefinitionId",
    "scopeId",
    "scopeType",
    "isActive",
    "lastModifiedDateTime",
    "lastScannedDateTime",
];

pub fn is_pim_alert(record: &Value) -> bool {
    record.get("alertDefinitionId").is_some_and(|v| v.is_str())
        && record.get("scopeType").is_some()
        && record.get("riskEventType").is_none()
}

/// The records of one alert, one per incident; Err says why the alert
/// cannot be read.
pub fn pim_alert_records(alert: Value) -> Result<Vec<Value>, String> {
    let definition = alert
        .get("alertDefinitionId")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    // DirectoryRole_<tenant id>_<definition>
    let mut parts = definition.splitn(3, '_');
    let (tenant, kind) = match (parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(tenant), Some(kind)) => (tenant.to_string(), kind.to_string()),
        _ => {
            return Err(format!(
                "PIM alert: alertDefinitionId `{definition}` is not DirectoryRole_<tenant>_<definition>"
            ))
        }
    };
    let mut base = Object::new();
    if let Some(id) = alert.get("id") {
        base.insert("alertId", id.clone());
    }
    base.insert("tenantId", Value::from(tenant.as_str()));
    for field in ALERT_FIELDS {
        if let Some(value) = alert.get(field) {
            base.insert(field, value.clone());
        }
    }
    let incidents = alert
        .get("alertIncidents")
        .and_then(|v| v.as_array())
        .filter(|a| !a.is_empty());
    let Some(incidents) = incidents else {
        let incident_type = INCIDENT_TYPES
            .iter()
            .find(|(definition, _)| *definition == kind)
            .map(|(_, incident)| *incident)
            .ok_or_else(|| format!("PIM alert: unknown alert definition `{kind}`"))?;
        let count = alert.get("incidentCount").and_then(|v| v.as_i64());
        if count == Some(0) {
            return Ok(Vec::new());
        }
        let mut record = base;
        record.insert("riskEventType", Value::from(incident_type));
        return Ok(vec![Value::from(record)]);
    };
    incidents
        .iter()
        .enumerate()
        .map(|(n, incident)| {
            let odata = incident
                .get("@odata.type")
                .and_then(|v| v.as_str())
                .ok_or_else(|| format!("PIM alert incident {n}: @odata.type missing"))?;
            let incident_type = odata.trim_start_matches("#microsoft.graph.");
            let mut record = base.clone();
            if let Some(fields) = incident.as_object() {
                for (key, value) in fields.iter() {
                    if key != "@odata.type" {
                        record.insert(key, value.clone());
                    }
                }
            }
            record.insert("riskEventType", Value::from(incident_type));
            Ok(Value::from(record))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect_kind;
    use parapet_core::LogKind;

    #[test]
    fn each_incident_is_a_record_carrying_its_alert() {
        let alert: Value = sonic_rs::from_str(r##"{"id":"DirectoryRole_t-1_StaleSignInAlert","alertDefinitionId":"DirectoryRole_t-1_StaleSignInAlert","scopeId":"/","scopeType":"DirectoryRole","incidentCount":2,"isActive":true,"lastModifiedDateTime":"2026-11-20T06:00:00Z","alertIncidents":[{"@odata.type":"#microsoft.graph.staleSignInAlertIncident","id":"i-1","assigneeUserPrincipalName":"old@contoso.com","roleDisplayName":"Global Administrator"},{"@odata.type":"#microsoft.graph.staleSignInAlertIncident","id":"i-2","assigneeUserPrincipalName":"older@contoso.com"}]}"##).unwrap();
        assert!(is_pim_alert(&alert));
        let records = pim_alert_records(alert).unwrap();
        assert_eq!(records.len(), 2);
        let first = &records[0];
        assert_eq!(detect_kind(first), Some(LogKind::AzurePim));
        assert_eq!(
            first["riskEventType"].as_str(),
            Some("staleSignInAlertIncident")
        );
        assert_eq!(first["tenantId"].as_str(), Some("t-1"));
        assert_eq!(
            first["alertId"].as_str(),
            Some("DirectoryRole_t-1_StaleSignInAlert")
        );
        assert_eq!(
            records[1]["assigneeUserPrincipalName"].as_str(),
            Some("older@contoso.com")
        );
        assert!(!is_pim_alert(first), "a record read once is not read again");
    }

    #[test]
    fn an_alert_without_its_incidents_is_one_record_of_its_definition() {
        let listed: Value = sonic_rs::from_str(r##"{"id":"a","alertDefinitionId":"DirectoryRole_t-1_NoMfaOnRoleActivationAlert","scopeType":"DirectoryRole","incidentCount":3,"isActive":true}"##).unwrap();
        let records = pim_alert_records(listed).unwrap();
        assert_eq!(
            records[0]["riskEventType"].as_str(),
            Some("noMfaOnRoleActivationAlertIncident")
        );
        let quiet: Value = sonic_rs::from_str(r##"{"alertDefinitionId":"DirectoryRole_t-1_InvalidLicenseAlert","scopeType":"DirectoryRole","incidentCount":0}"##).unwrap();
        assert!(pim_alert_records(quiet).unwrap().is_empty());
        let odd: Value =
            sonic_rs::from_str(r##"{"alertDefinitionId":"nothing","scopeType":"DirectoryRole"}"##)
                .unwrap();
        assert!(pim_alert_records(odd).unwrap_err().contains("`nothing`"));
        let unknown: Value = sonic_rs::from_str(
            r##"{"alertDefinitionId":"DirectoryRole_t_NewAlert","scopeType":"DirectoryRole"}"##,
        )
        .unwrap();
        assert!(pim_alert_records(unknown)
            .unwrap_err()
            .contains("`NewAlert`"));
    }
}
