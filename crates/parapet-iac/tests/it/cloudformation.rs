use parapet_core::AttrValue;
use parapet_iac::IacOptions;

use crate::{resource, s, scan, value};

const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: { Type: String, Default: prod }
  Names: { Type: CommaDelimitedList, Default: "a,b,c" }
Mappings:
  Sizes:
    prod: { Retention: 30 }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Or [!Condition IsDev, !Equals ["1", 1]]]
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub
        - "${Env}-${Second}-${!Literal}-${Days}"
        - Second: !Select [1, !Split [",", "a,b,c"]]
          Days: !FindInMap [Sizes, !Ref Env, Retention]
  DevOnly:
    Type: AWS::SQS::Queue
    Condition: IsDev
  Volume:
    Type: AWS::EC2::Volume
    Properties:
      Encrypted: !If [Both, true, false]
  Imported:
    Type: AWS::EC2::Volume
    Properties:
      Encrypted: !ImportValue shared-encryption
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
  Ssh:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Group.GroupId
      IpProtocol: tcp
      FromPort: 22
      ToPort: 22
      CidrIp: 0.0.0.0/0
"#;

#[test]
fn intrinsics_conditions_and_attachments() {
    let scan = scan(&[("stack.yaml", TEMPLATE)], &IacOptions::default());
    assert!(scan.errors.is_empty(), "{:?}", scan.errors);
    assert_eq!(
        resource(&scan, "stack.yaml#Topic").name,
        "prod-b-${Literal}-30"
    );
    assert!(scan
        .resources
        .iter()
        .all(|d| !d.resource.uid.ends_with("DevOnly")));
    let volume = resource(&scan, "stack.yaml#Volume");
    assert_eq!(value(volume, "encrypted"), AttrValue::Bool(true));
    assert!(resource(&scan, "stack.yaml#Imported").is_unknown("encrypted"));
    let group = resource(&scan, "stack.yaml#Group");
    let ingress = value(group, "ingress");
    assert_eq!(
        ingress
            .as_list()
            .and_then(|l| l.first())
            .and_then(|r| r.get("cidr_ipv4"))
            .cloned(),
        Some(AttrValue::List(vec![s("0.0.0.0/0")]))
    );
    let at = scan
        .resources
        .iter()
        .find(|d| d.resource.uid == "stack.yaml#Volume")
        .map(|d| d.location.line);
    assert_eq!(at, Some(23));
}

#[test]
fn json_templates_keep_their_lines() {
    let json = "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\n    \"Db\": {\n      \"Type\": \"AWS::RDS::DBInstance\",\n      \"Properties\": {\"PubliclyAccessible\": true, \"DBInstanceIdentifier\": {\"Fn::Join\": [\"-\", [\"db\", {\"Ref\": \"AWS::Partition\"}]]}}\n    }\n  }\n}\n";
    let scan = scan(&[("db.json", json)], &IacOptions::default());
    let db = resource(&scan, "db.json#Db");
    assert_eq!(db.name, "db-aws");
    assert_eq!(value(db, "publicly_accessible"), AttrValue::Bool(true));
    let at = scan
        .resources
        .iter()
        .find(|d| d.resource.uid == "db.json#Db")
        .map(|d| d.location.line);
    assert_eq!(at, Some(4));
}
